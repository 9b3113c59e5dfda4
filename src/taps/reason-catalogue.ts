import type { DeclineReason } from './tap-decision';
import type { TapAction } from './tap.entity';

/** What a decline reason means, for a terminal's screen and a test's name. */
export interface ReasonText {
  /** The actions whose taps this reason can decline. */
  actions: readonly TapAction[];
  en: string;
  zh: string;
}

const ALL: readonly TapAction[] = ['ENTRY', 'EXIT', 'RIDE', 'BORROW', 'RETURN'];

/**
 * Every decline reason of the tap core with its meaning, written in the core's decision order
 * (a unit spec holds the two together). Data only: the order answered comes from
 * `DECLINE_REASONS` itself.
 */
export const REASON_CATALOGUE: Record<DeclineReason, ReasonText> = {
  CLOCK_SKEW: {
    actions: ALL,
    en: "The tap is dated more than 5 minutes after the service's clock: check the terminal's clock.",
    zh: '交易时间比系统时间晚 5 分钟以上，请校准终端时钟。',
  },
  STALE_TAP: {
    actions: ALL,
    en: 'The tap is older than the offline window (7 days by default) and can no longer be accepted.',
    zh: '交易早于脱机上传期限（默认 7 天），无法受理。',
  },
  CARD_UNKNOWN: {
    actions: ALL,
    en: 'No card with this number is registered.',
    zh: '查无此卡。',
  },
  CARD_NOT_IN_SCHEME: {
    actions: ALL,
    en: 'The card was issued outside Sichuan and Chongqing, so it is not part of the scheme.',
    zh: '此卡非川渝地区发行，不在一卡通范围内。',
  },
  CARD_LOST: {
    actions: ALL,
    en: 'The card is reported lost (temporarily or finally).',
    zh: '此卡已挂失（临时挂失或正式挂失）。',
  },
  CARD_CANCELLED: {
    actions: ALL,
    en: 'The card is cancelled.',
    zh: '此卡已注销。',
  },
  CARD_EXPIRED: {
    actions: ALL,
    en: "The tap's business day is outside the card's validity period.",
    zh: '此卡不在有效期内。',
  },
  VENUE_NOT_LISTED: {
    actions: ALL,
    en: 'The venue is unknown, delisted, or not on the whitelist on that day.',
    zh: '该场所不在应用清单内（未知、已移出或不在清单有效期内）。',
  },
  VENUE_SUSPENDED: {
    actions: ALL,
    en: 'The venue is temporarily suspended and refuses all taps.',
    zh: '该场所已暂停受理。',
  },
  SCHEME_NOT_STARTED: {
    actions: ALL,
    en: 'A card of the other region, before the scheme started (2025-01-01).',
    zh: '异地卡在一卡通开通日（2025-01-01）之前不能使用。',
  },
  ACTION_NOT_SUPPORTED: {
    actions: ALL,
    en: 'This type of venue does not accept this action.',
    zh: '该场所不支持此操作。',
  },
  VENUE_CLOSED: {
    actions: ['ENTRY', 'RIDE', 'BORROW', 'RETURN'],
    en: "Outside the venue's opening hours (an EXIT is never refused for the hour).",
    zh: '不在开放时间内（出站不受开放时间限制）。',
  },
  TRANSPORT_NOT_ENABLED: {
    actions: ['ENTRY', 'EXIT', 'RIDE'],
    en: "The card's transport function is not loaded, so it cannot ride the metro or buses.",
    zh: '此卡未开通交通功能，不能乘坐地铁、公交。',
  },
  PASSBACK: {
    actions: ['ENTRY', 'RIDE'],
    en: 'The same card did the same thing here less than 60 seconds ago.',
    zh: '同一张卡 60 秒内在此重复刷卡。',
  },
  NOT_CHECKED_IN: {
    actions: ['EXIT'],
    en: 'An exit with no open journey in this metro network.',
    zh: '无本线网进站记录，不能出站。',
  },
  CAPACITY_REACHED: {
    actions: ['ENTRY'],
    en: "The museum's or scenic spot's daily capacity is used up for the day.",
    zh: '当日预约名额已满。',
  },
  BORROW_LIMIT_REACHED: {
    actions: ['BORROW'],
    en: 'The card already holds as many items from this library as it may.',
    zh: '已达借阅册数上限。',
  },
  ITEM_NOT_ON_LOAN: {
    actions: ['RETURN'],
    en: 'This card has not borrowed this item.',
    zh: '此卡未借阅该文献。',
  },
  INSUFFICIENT_BALANCE: {
    actions: ['ENTRY', 'EXIT', 'RIDE'],
    en: 'The balance is below what the tap must charge (a metro entry needs the lowest fare).',
    zh: '余额不足，请充值（地铁进站需不低于最低票价）。',
  },
};
