// Compiled (not run) by test/types.test.mjs with `tsc --strict`: the public types describe the
// library as a TypeScript user writes against it. A line marked @ts-expect-error must not compile.
import {
  BUNDLES, OdinError, OdinRequestError, OdinStream, type OdinEvent, type SubscribedInfo,
  type TradeExecutedEvent, type EventType, KIND_OF_EVENT_TYPE,
} from '@odin-stream/client';

const odin = new OdinStream('ws://127.0.0.1:3002/ws', { getToken: async () => 'jwt', maxReconnectDelay: 5000 });
odin.on('state', (state, detail) => console.log(state, detail.previous));
odin.on('disconnected', ({ code, willReconnect, delay }) => console.log(code, willReconnect, delay));
odin.on('error', (e: OdinError) => console.log(e.code));

const sub = odin.subscribe({ bundle: 'TRADING', tokens: ['BTC'] }, {
  snapshot: true,
  mode: 'latest',
  onEvent: (e: OdinEvent) => {
    if (e.data.type === 'TRADE_EXECUTED') {
      const trade: TradeExecutedEvent = e.data;  // narrowed by `type`
      console.log(trade.price.toFixed(2), trade.side === 'buy', e.pos ?? '', e.seq + 1);
    }
  },
  onSubscribed: (info: SubscribedInfo) => info.lost?.forEach((channel) => channel.toUpperCase()),
});
sub.ready.catch((e) => e instanceof OdinRequestError && console.log(e.code === 'unknown_bundle'));
void sub.unsubscribe().then(() => odin.close());
odin.subscribe({ channels: ['BTC.trade', 'ETH.analytics'] });
const kinds: readonly string[] = BUNDLES.PRICE_ONLY;
const kind: 'trade' = KIND_OF_EVENT_TYPE.BUY_COMPLETED;
const type: EventType = 'BALANCE_UPDATED';
console.log(kinds, kind, type);

// @ts-expect-error not a bundle
odin.subscribe({ bundle: 'TRADNG', tokens: ['BTC'] });
// @ts-expect-error tokens need a bundle
odin.subscribe({ tokens: ['BTC'] });
// @ts-expect-error not an event type
const wrong: EventType = 'TRADE_EXECUTE';
console.log(wrong);
odin.on('state', (s) => {
  // @ts-expect-error not a connection state
  if (s === 'open') console.log(s);
});
