// Types of @odin-stream/client (hand-written; the event types in ./events.d.ts are generated
// from schemas/*.json). The protocol: docs/protocol.md of the Odin Stream repository.
import type { EventType, KindOfEventType, OdinEventData } from './events.js';

export * from './events.js';

export type Kind =
  | 'trade' | 'liquidity' | 'metadata' | 'social' | 'community' | 'creation' | 'analytics' | 'balances';
export type Bundle = 'TRADING' | 'FULL_MARKET' | 'COMMUNITY' | 'PORTFOLIO' | 'PRICE_ONLY' | 'ALL';
/** `TOKEN.kind`, e.g. `BTC.trade`. */
export type Channel = `${string}.${Kind}`;

/** Error codes of the gateway's `error` replies (docs/protocol.md section 7). */
export type ServerErrorCode =
  | 'invalid_json' | 'invalid_request' | 'unknown_type' | 'unknown_bundle' | 'invalid_token'
  | 'invalid_channel' | 'unknown_kind' | 'empty_tokens' | 'too_many_tokens'
  | 'too_many_subscriptions' | 'not_subscribed' | 'invalid_position' | 'forbidden';
/** Error codes of the client itself. */
export type ClientErrorCode =
  | 'disconnected' | 'closed' | 'timeout' | 'protocol_error' | 'token_expired' | 'token_refresh'
  | 'upgrade_refused' | 'no_websocket' | 'handler_error' | 'bad_frame' | 'unsubscribed';

export class OdinError extends Error {
  readonly code: ClientErrorCode | ServerErrorCode;
  constructor(code: string, message: string, options?: { cause?: unknown });
}
/** The server refused a request; `code` is the protocol's error code. */
export class OdinRequestError extends OdinError {
  readonly code: ServerErrorCode;
  /** The request as sent (with its `id`), or null for an error reply without an id. */
  readonly request: Record<string, unknown> | null;
}
export const SERVER_ERROR_CODES: readonly ServerErrorCode[];
export const CLIENT_ERROR_CODES: readonly ClientErrorCode[];

/** One event frame, as the gateway sends it. */
export interface OdinEvent<D extends OdinEventData = OdinEventData> {
  type: 'event';
  channel: string;
  /** Per-channel sequence number of the gateway instance (see docs/protocol.md section 6). */
  seq: number;
  /** Microseconds since the epoch when the event entered the bus. */
  ts: number;
  /** The record's place in the bus, opaque; present when the server supports positions. */
  pos?: string;
  /** A snapshot frame: the latest event of the channel, sent right after `subscribed`. */
  snapshot?: boolean;
  /** Events of the channel skipped before this one (`mode: 'latest'`). */
  conflated?: number;
  data: D;
}

export type SubscribeRequest =
  | { bundle: Bundle; tokens: string[]; channels?: string[] }
  | { channels: string[]; bundle?: undefined; tokens?: undefined };

export interface SubscribedInfo {
  /** The channels the server confirmed (a bundle expanded). */
  channels: string[];
  /** True when this is a resubscription after a reconnect. */
  reconnect: boolean;
  /**
   * After a reconnect: every channel, true where the server replayed what was missed
   * (positions). On a first subscription: the server's `recovered`, if it sent one.
   */
  recovered?: Record<string, boolean>;
  /** The channels with recovered === false: missed events are lost, reload their state. */
  lost?: string[];
}

export interface SubscribeOptions {
  /** Ask for the latest event of each channel first (frames flagged `snapshot: true`). */
  snapshot?: boolean;
  /** 'latest': the server may conflate this subscription's channels for a slow client. */
  mode?: 'latest';
  onEvent?: (event: OdinEvent) => void;
  onSubscribed?: (info: SubscribedInfo) => void;
  onError?: (error: OdinError) => void;
}

export type SubscriptionState = 'subscribing' | 'subscribed' | 'unsubscribed' | 'failed';

export class Subscription {
  readonly request: Readonly<SubscribeRequest>;
  readonly options: Readonly<SubscribeOptions>;
  readonly state: SubscriptionState;
  readonly channels: string[];
  /** Resolves with the first confirmation; rejects with an OdinRequestError if refused. */
  readonly ready: Promise<SubscribedInfo>;
  unsubscribe(): Promise<void>;
  on(event: 'event', listener: (event: OdinEvent) => void): () => void;
  on(event: 'subscribed', listener: (info: SubscribedInfo) => void): () => void;
  on(event: 'error', listener: (error: OdinError) => void): () => void;
  on(event: 'unsubscribed', listener: () => void): () => void;
  once: Subscription['on'];
  off(event: string, listener: (...args: any[]) => void): void;
}

export type ConnectionState = 'disconnected' | 'connecting' | 'connected';

export interface DisconnectedDetail {
  /** WebSocket close code (1006 when the connection failed or dropped without one). */
  code: number;
  reason: string;
  /** The HTTP status of a refused upgrade (Node with the 'ws' package only). */
  status?: number;
  willReconnect: boolean;
  /** Milliseconds until the next attempt, when willReconnect. */
  delay?: number;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface OdinStreamOptions {
  /** Sent as `?token=` on the upgrade URL. */
  token?: string;
  /** Called for a token before connecting when there is none or it is about to expire, and
   *  before a JWT's `exp` (then sent as `{"type":"auth"}` on the live connection). */
  getToken?: () => string | Promise<string>;
  /** A WebSocket constructor (e.g. `WebSocket` from 'ws'); default the global one, else 'ws'. */
  WebSocket?: unknown;
  /** Connect on construction (default true). */
  autoConnect?: boolean;
  /** Reconnect after a drop (default true). */
  reconnect?: boolean;
  /** Backoff: the first retry waits up to this many ms (default 500). */
  minReconnectDelay?: number;
  /** Backoff cap in ms (default 20000). */
  maxReconnectDelay?: number;
  /** Least wait after close 4008 (slow client), ms (default 2000). */
  slowClientDelay?: number;
  /** Ping every this many ms (default 25000; 0 = never). */
  pingInterval?: number;
  /** Drop and reconnect when nothing arrives this long after a ping, ms (default 10000). */
  pongTimeout?: number;
  /** Refresh a JWT this many ms before its `exp` (default 30000; at most half its life). */
  refreshBefore?: number;
  /** Time source and timers (tests). */
  clock?: Clock;
  /** Random numbers in [0, 1) for the jitter (tests). */
  random?: () => number;
}

export class OdinStream {
  constructor(url: string, options?: OdinStreamOptions);
  readonly url: string;
  readonly state: ConnectionState;
  connect(): void;
  close(): void;
  subscribe(request: SubscribeRequest, options?: SubscribeOptions): Subscription;
  subscriptions(): Subscription[];
  /** The last `pos` seen per channel. */
  positions(): Record<string, string>;
  /** Round trip in ms. */
  ping(): Promise<number>;
  on(event: 'state', listener: (state: ConnectionState, detail: { previous: ConnectionState } & Partial<DisconnectedDetail> & { attempt?: number; reconnect?: boolean }) => void): () => void;
  on(event: 'connecting', listener: (detail: { attempt: number }) => void): () => void;
  on(event: 'connected', listener: (detail: { reconnect: boolean }) => void): () => void;
  on(event: 'disconnected', listener: (detail: DisconnectedDetail) => void): () => void;
  on(event: 'error', listener: (error: OdinError) => void): () => void;
  on(event: 'token', listener: (detail: { applied: boolean }) => void): () => void;
  once: OdinStream['on'];
  off(event: string, listener: (...args: any[]) => void): void;
}

export const KINDS: readonly Kind[];
export const BUNDLES: Readonly<Record<Bundle, readonly Kind[]>>;
export const CLOSE: Readonly<{
  NORMAL: 1000; GOING_AWAY: 1001; PROTOCOL_ERROR: 1002; UNSUPPORTED_DATA: 1003; ABNORMAL: 1006;
  INVALID_PAYLOAD: 1007; MESSAGE_TOO_BIG: 1009; TOKEN_EXPIRED: 4001; SLOW_CLIENT: 4008;
}>;
export function isToken(token: unknown): token is string;
export function isChannel(channel: unknown): channel is Channel;
export const EVENT_TYPES: readonly EventType[];
export const KIND_OF_EVENT_TYPE: Readonly<KindOfEventType>;
export function backoffDelay(attempt: number, limits: { minDelay: number; maxDelay: number }, random: () => number): number;
export function parseRetryAfter(value: string | null | undefined, now: number): number | null;
/** A JWT's `exp` in ms since the epoch (not verified), or null. */
export function tokenExpiry(token: string): number | null;
