// Token tiles: last price (flashing on a tick), last trade, 24 h change and volume, holders,
// and a sparkline of the recent trades; from one PRICE_ONLY subscription (trade + analytics).
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const SPARK_POINTS = 90;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatPrice(price) {
  return price >= 1000 ? price.toFixed(0) : price >= 1 ? price.toFixed(2) : price.toPrecision(3);
}

class Tile {
  constructor(token) {
    this.token = token;
    this.prices = [];
    this.node = el('article', 'tile');
    this.node.dataset.token = token;
    const header = el('header');
    this.side = el('span', 'side', 'no trade yet');
    header.append(el('span', 'symbol', token), this.side);
    this.price = el('div', 'price idle', '—');
    const dl = el('dl');
    this.change = el('dd', '', '—');
    this.volume = el('dd', '', '—');
    this.holders = el('dd', '', '—');
    dl.append(el('dt', '', '24h chg'), el('dt', '', '24h vol'), el('dt', '', 'holders'), this.change, this.volume, this.holders);
    this.canvas = el('canvas');
    this.node.append(header, this.price, dl, this.canvas);
  }

  trade(data) {
    const previous = this.prices.at(-1);
    this.prices.push(data.price);
    if (this.prices.length > SPARK_POINTS) this.prices.shift();
    this.price.textContent = formatPrice(data.price);
    this.price.dataset.value = String(data.price);
    this.price.className = `price ${previous === undefined || data.price === previous ? '' : data.price > previous ? 'up' : 'down'}`;
    clearTimeout(this.flash);
    this.flash = setTimeout(() => { this.price.className = 'price'; }, 350);
    this.side.textContent = `${data.side.toUpperCase()} ${Number(data.amount).toFixed(2)}`;
    this.dirty = true;
  }

  analytics(data) {
    if (typeof data.priceChange24h === 'number') {
      const v = data.priceChange24h;
      this.change.textContent = `${v > 0 ? '+' : ''}${v.toFixed(2)}%`;
      this.change.className = v > 0 ? 'pos' : v < 0 ? 'neg' : '';
    }
    if (typeof data.volume24h === 'number') this.volume.textContent = compact.format(data.volume24h);
    if (typeof data.holders === 'number') this.holders.textContent = compact.format(data.holders);
  }

  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    const { canvas, prices } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth * ratio;
    const height = canvas.clientHeight * ratio;
    if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, width, height);
    if (prices.length < 2) return;
    const lo = Math.min(...prices);
    const span = Math.max(...prices) - lo || 1;
    const slots = Math.max(prices.length, 24);  // a young series grows from the right
    const x = (i) => (i / (slots - 1)) * width;
    const y = (p) => height - 2 * ratio - ((p - lo) / span) * (height - 4 * ratio);
    const offset = slots - prices.length;
    const up = prices.at(-1) >= prices[0];
    const color = up ? '47, 211, 145' : '255, 90, 106';
    ctx.beginPath();
    prices.forEach((p, i) => (i ? ctx.lineTo(x(i + offset), y(p)) : ctx.moveTo(x(i + offset), y(p))));
    ctx.strokeStyle = `rgb(${color})`;
    ctx.lineWidth = 1.5 * ratio;
    ctx.stroke();
    ctx.lineTo(x(prices.length - 1 + offset), height);
    ctx.lineTo(x(offset), height);
    const fill = ctx.createLinearGradient(0, 0, 0, height);
    fill.addColorStop(0, `rgba(${color}, 0.25)`);
    fill.addColorStop(1, `rgba(${color}, 0)`);
    ctx.fillStyle = fill;
    ctx.fill();
  }
}

export class Tiles {
  constructor(root, client, tokens, onAny, onSubscribed) {
    this.tiles = new Map(tokens.map((t) => [t, new Tile(t)]));
    root.replaceChildren(...[...this.tiles.values()].map((t) => t.node));
    client.subscribe({ bundle: 'PRICE_ONLY', tokens }, {
      snapshot: true,
      mode: 'latest',
      onSubscribed,
      onEvent: (event) => {
        onAny(event);
        const tile = this.tiles.get(event.data.tokenId);
        if (!tile) return;
        if (event.channel.endsWith('.trade')) tile.trade(event.data);
        else tile.analytics(event.data);
        this.#schedule();
      },
    });
  }

  #schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const tile of this.tiles.values()) tile.draw();
    });
  }
}
