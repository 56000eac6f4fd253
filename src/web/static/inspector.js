// The channel inspector: subscribe to channels, or a bundle × tokens, and see every frame with
// its seq, pos and latency; refusals show the server's error code.
import { BUNDLES } from './lib/index.js';

const MAX_ROWS = 250;

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function payload(data) {
  const { type, tokenId, timestamp, ...rest } = data ?? {};
  return JSON.stringify(rest);
}

export class Inspector {
  constructor(client, els, onAny, reportSubscribed) {
    this.client = client;
    this.els = els;
    this.onAny = onAny;
    this.reportSubscribed = reportSubscribed;
    this.queue = [];
    this.paused = false;
    for (const name of Object.keys(BUNDLES)) els.kind.append(new Option(`${name} × tokens`, name));
    els.kind.addEventListener('change', () => {
      els.input.placeholder = els.kind.value ? 'BTC, ETH' : 'BTC.trade, ETH.liquidity';
    });
    els.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#subscribe();
    });
    els.pause.addEventListener('click', () => {
      this.paused = !this.paused;
      els.pause.textContent = this.paused ? 'Resume' : 'Pause';
    });
    client.on('connected', ({ reconnect }) => {
      if (reconnect && els.rows.children.length) this.#mark('reconnected (seq numbers are per gateway instance)');
    });
    els.clear.addEventListener('click', () => {
      els.rows.replaceChildren();
      els.empty.hidden = false;
    });
  }

  #subscribe() {
    const { kind, input, error } = this.els;
    const items = input.value.split(/[\s,]+/).filter(Boolean);
    error.textContent = '';
    if (!items.length) {
      error.textContent = kind.value ? 'type one or more tokens' : 'type one or more channels';
      return;
    }
    const request = kind.value ? { bundle: kind.value, tokens: items } : { channels: items };
    const label = kind.value ? `${kind.value} × ${items.join(',')}` : items.join(', ');
    const chip = this.#chip(label);
    const sub = this.client.subscribe(request, {
      onEvent: (event) => this.#frame(event),
      onSubscribed: this.reportSubscribed(label),
      onError: (e) => {
        error.textContent = `${e.code}: ${e.message}`;
        chip.remove();
      },
    });
    sub.on('subscribed', (info) => chip.classList.toggle('lost', Boolean(info.lost?.length)));
    chip.querySelector('button').addEventListener('click', () => {
      sub.unsubscribe();
      chip.remove();
    });
    input.value = '';
  }

  #chip(label) {
    const chip = document.createElement('span');
    chip.className = 'chip';
    chip.textContent = label;
    const close = document.createElement('button');
    close.type = 'button';
    close.title = 'unsubscribe';
    close.textContent = '×';
    chip.append(close);
    this.els.subs.append(chip);
    return chip;
  }

  #mark(text) {
    this.#flush();
    const tr = document.createElement('tr');
    tr.className = 'mark';
    const td = cell(`${new Date().toTimeString().slice(0, 8)}  ·  ${text}`);
    td.colSpan = 7;
    tr.append(td);
    this.els.rows.prepend(tr);
  }

  #frame(event) {
    this.onAny(event);
    if (this.paused) return;
    this.queue.push([event, Date.now()]);
    if (this.queue.length > MAX_ROWS) this.queue.shift();
    if (!this.frameRequest) this.frameRequest = requestAnimationFrame(() => this.#flush());
  }

  #flush() {
    this.frameRequest = 0;
    const { rows, empty } = this.els;
    const fragment = document.createDocumentFragment();
    for (const [event, at] of this.queue.reverse()) {
      const tr = document.createElement('tr');
      tr.className = event.snapshot ? 'fresh snapshot' : 'fresh';
      const latency = typeof event.ts === 'number' ? `${Math.max(0, at - event.ts / 1000).toFixed(1)} ms` : '—';
      tr.append(
        cell(new Date(at).toTimeString().slice(0, 8) + `.${String(at % 1000).padStart(3, '0')}`),
        cell(event.channel),
        cell(event.data?.type ?? '?'),
        cell(String(event.seq), 'num'),
        cell(event.pos ?? '—', 'pos'),
        cell(latency, 'num'),
        cell(payload(event.data), 'data'),
      );
      tr.dataset.channel = event.channel;
      fragment.append(tr);
    }
    this.queue = [];
    rows.prepend(fragment);
    while (rows.children.length > MAX_ROWS) rows.lastChild.remove();
    empty.hidden = rows.children.length > 0;
  }
}
