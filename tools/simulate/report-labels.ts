import { CITY_GROUP_LABELS, Group } from './geography';

export const REPORT_LANGUAGES = ['en', 'zh'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/**
 * Every word of report.html in one language. Reason codes and venue names are data and stay as
 * they are; a reason may carry a gloss beside its code.
 */
export interface ReportLabels {
  htmlLang: string;
  title: string;
  seed: string;
  fullStop: string;
  header: (p: { seed: string; cards: string; days: number; dates: string; offlineUpload: string }) => string;
  /** How offline terminals uploaded, when the service had no `POST /taps/batch`. */
  tiles: { taps: string; approved: string; crossRegion: string; charged: string; topUps: string; lostCards: string };
  tapsPerHour: { title: string; sichuan: string; chongqing: string; axis: string };
  decisions: { title: string; axis: string; note: (p: { approved: string; declined: string; retries: string }) => string };
  flows: { title: string; cards: (group: string) => string; at: (group: string) => string; corner: string };
  settlement: {
    title: string;
    sichuanCards: string;
    chongqingCards: string;
    net: string;
    axis: string;
    nothingOwed: string;
    chongqingToSichuan: string;
    sichuanToChongqing: string;
    owes: (from: string, to: string, amount: string) => string;
    source: (source: string) => string;
    head: [string, string, string, string, string];
  };
  busiest: { title: string; approved: string; declined: string; axis: string };
  revenue: { title: string; head: [string, string, string, string, string] };
  population: { title: string; cards: string; role: string; age: string; concession: string };
  regions: Record<string, string>;
  groups: Record<Group, string>;
  roles: Record<string, string>;
  concessions: Record<string, string>;
  reasons: Record<string, string>;
}

const EN: ReportLabels = {
  htmlLang: 'en',
  title: 'OneCard Simulator scenario report',
  seed: 'seed',
  fullStop: '.',
  header: (p) => `seed ${p.seed} · ${p.cards} cards · ${p.days} day${p.days === 1 ? '' : 's'} (${p.dates}) · offline terminals upload by ${p.offlineUpload}`,
  tiles: { taps: 'taps', approved: 'approved', crossRegion: 'cross-region taps', charged: 'charged', topUps: 'top-ups', lostCards: 'cards lost' },
  tapsPerHour: { title: 'Taps per hour by region of the venue', sichuan: 'Sichuan venues', chongqing: 'Chongqing venues', axis: 'taps / hour' },
  decisions: {
    title: 'Decisions by reason',
    axis: 'taps',
    note: (p) => `${p.approved} approved, ${p.declined} declined; ${p.retries} taps were tried again after a top-up at the gate.`,
  },
  flows: {
    title: 'Flows between the four city groups (approved taps: home group of the card → group of the venue)',
    cards: (g) => `${g} cards`,
    at: (g) => `at ${g} venues`,
    corner: 'card from \\ venue in',
  },
  settlement: {
    title: 'Settlement per day (清分结算)',
    sichuanCards: 'Sichuan cards at Chongqing venues',
    chongqingCards: 'Chongqing cards at Sichuan venues',
    net: 'Net: Chongqing owes Sichuan (+) / Sichuan owes Chongqing (−)',
    axis: 'yuan',
    nothingOwed: 'nothing owed',
    chongqingToSichuan: 'CQ→SC',
    sichuanToChongqing: 'SC→CQ',
    owes: (from, to, amount) => `${from} owes ${to} ¥${amount}`,
    source: (source) => `Source: ${source}.`,
    head: ['day', 'issuer (card)', 'acquirer (venue)', 'charges', 'yuan'],
  },
  busiest: { title: 'Busiest venues', approved: 'approved', declined: 'declined', axis: 'taps' },
  revenue: { title: 'Revenue per network', head: ['network', 'priced taps', 'base fares (yuan)', 'adjustments (yuan): caps, concessions, transfers, discounts, surcharges', 'charged (yuan)'] },
  population: { title: 'Population', cards: 'cards', role: 'role', age: 'age', concession: 'concession' },
  regions: { SICHUAN: 'Sichuan', CHONGQING: 'Chongqing', OTHER: 'Outside the scheme' },
  groups: CITY_GROUP_LABELS,
  roles: {},
  concessions: {},
  reasons: {},
};

const ZH: ReportLabels = {
  htmlLang: 'zh-CN',
  title: '一卡走川渝模拟器 · 场景报告',
  seed: '随机种子',
  fullStop: '。',
  header: (p) => `随机种子 ${p.seed} · ${p.cards} 张卡 · ${p.days} 天（${p.dates}）· 离线终端上传方式：${p.offlineUpload}`,
  tiles: { taps: '刷卡次数', approved: '通过率', crossRegion: '跨区域刷卡', charged: '扣费总额', topUps: '充值次数', lostCards: '挂失卡数' },
  tapsPerHour: { title: '每小时刷卡量（按场馆所在地区）', sichuan: '四川场馆', chongqing: '重庆场馆', axis: '次 / 小时' },
  decisions: {
    title: '刷卡结果及拒绝原因',
    axis: '刷卡次数',
    note: (p) => `通过 ${p.approved} 次，拒绝 ${p.declined} 次；其中 ${p.retries} 次是在闸机旁充值后重新刷卡。`,
  },
  flows: {
    title: '四个城市组之间的流向（通过的刷卡：持卡人所在组 → 场馆所在组）',
    cards: (g) => `${g}的卡`,
    at: (g) => `在${g}的场馆`,
    corner: '持卡人所在组 \\ 场馆所在组',
  },
  settlement: {
    title: '每日清分结算',
    sichuanCards: '四川卡在重庆场馆',
    chongqingCards: '重庆卡在四川场馆',
    net: '轧差：重庆应付四川（+）/ 四川应付重庆（−）',
    axis: '元',
    nothingOwed: '无应付',
    chongqingToSichuan: '渝→川',
    sichuanToChongqing: '川→渝',
    owes: (from, to, amount) => `${from}应付${to} ¥${amount}`,
    source: (source) => `数据来源：${source}。`,
    head: ['日期', '发卡方（卡）', '收单方（场馆）', '扣费笔数', '金额（元）'],
  },
  busiest: { title: '最繁忙的场馆', approved: '通过', declined: '拒绝', axis: '刷卡次数' },
  revenue: { title: '各线网票款收入', head: ['线网', '计费笔数', '基础票价（元）', '调整（元）：封顶、优待、换乘、折扣、超时', '实收（元）'] },
  population: { title: '模拟人口', cards: '卡数', role: '身份', age: '年龄段', concession: '优惠类型' },
  regions: { SICHUAN: '四川', CHONGQING: '重庆', OTHER: '川渝以外' },
  groups: { CHENGDU: '成都', OTHER_SICHUAN: '四川其他地区', CHONGQING_CENTRAL: '重庆中心城区', OTHER_CHONGQING: '重庆其他区县', OUTSIDE: '川渝以外' },
  roles: { CHILD: '儿童', PUPIL: '中小学生', STUDENT: '大学生', WORKER: '上班族', HOMEMAKER: '居家', RETIREE: '退休', VISITOR: '访客' },
  concessions: { NONE: '无', SENIOR: '老年', DISABLED: '残疾', STUDENT: '学生' },
  reasons: {
    APPROVED: '通过',
    CLOCK_SKEW: '时间超前',
    STALE_TAP: '记录过旧',
    CARD_UNKNOWN: '未知卡',
    CARD_NOT_IN_SCHEME: '非川渝卡',
    CARD_LOST: '卡已挂失',
    CARD_CANCELLED: '卡已注销',
    CARD_EXPIRED: '卡已过期',
    VENUE_NOT_LISTED: '场馆不在清单',
    VENUE_SUSPENDED: '场馆已暂停',
    SCHEME_NOT_STARTED: '互通未开始',
    ACTION_NOT_SUPPORTED: '不支持的动作',
    VENUE_CLOSED: '不在开放时间',
    TRANSPORT_NOT_ENABLED: '未开通交通功能',
    PASSBACK: '重复刷卡',
    NOT_CHECKED_IN: '未进站',
    CAPACITY_REACHED: '已达当日容量',
    BORROW_LIMIT_REACHED: '已达借阅上限',
    ITEM_NOT_ON_LOAN: '未借此书',
    INSUFFICIENT_BALANCE: '余额不足',
  },
};

export const REPORT_LABELS: Record<ReportLanguage, ReportLabels> = { en: EN, zh: ZH };
