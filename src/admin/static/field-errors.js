// A field error of the API (`details[]: {field, message, constraint}`) in the console's
// language. `constraint` is the API's stable code of the rule broken; the text names the field
// by its label and, where the console knows the rule's figures (a length, a range), says them.
// An unknown code, or none, shows the API's own English message.
import { currentLanguage, label, t } from './i18n.js';

/** The figures of each venue field's rules, as the API checks them (src/venues/dto/venue.dto.ts). */
const RULES = {
  code: { length: [3, 32], shape: 'code' },
  name: { length: [1, 100] },
  cityCode: { shape: 'cityCode' },
  network: { length: [3, 32], shape: 'code' },
  line: { length: [1, 16] },
  km: { range: [0, 1000], number: true },
  dailyCapacity: { range: [1, 10_000_000], number: true },
  borrowLimit: { range: [1, 1000], number: true },
  entryFeeFen: { range: [0, 1_000_000], number: true },
  fareFen: { range: [0, 100_000], number: true },
  open: { shape: 'open' },
  close: { shape: 'close' },
  days: { range: [1, 7], number: true },
};

const REGION_PREFIX = { SICHUAN: '51', CHONGQING: '50' };

const SHAPES = {
  zh: { code: '3–32 位大写字母、数字或连字符“-”', cityCode: '6 位数字', open: 'HH:MM（00:00–23:59）', close: 'HH:MM（00:00–24:00）' },
  en: { code: '3–32 characters of A–Z, 0–9 and -', cityCode: '6 digits', open: 'HH:MM (00:00–23:59)', close: 'HH:MM (00:00–24:00)' },
};

const number = (n) => n.toLocaleString(currentLanguage() === 'zh' ? 'zh-CN' : 'en-US');

/**
 * One function per constraint code (src/common/errors.ts `CONSTRAINTS`) and language:
 * `(label, rule, context) => text`. `context` holds the form's values (`region`, `type`, `code`)
 * and the field's path, for the rules across fields. `duplicateVenue` and `pickADay` are the
 * console's own: a 409 DUPLICATE_VENUE and an hours grid with no day ticked.
 */
const TEXTS = {
  zh: {
    required: (l) => `请填写${l}。`,
    type: (l, r) => (r.number ? `${l}应为数字。` : `${l}的数据类型不对。`),
    length: (l, r) => (r.length ? `${l}应为 ${r.length[0]}–${r.length[1]} 个字符。` : `${l}的长度不符合要求。`),
    pattern: (l, r) => (r.shape ? `${l}应为 ${SHAPES.zh[r.shape]}。` : `${l}的格式不对。`),
    enum: (l) => `${l}不是可选的值。`,
    range: (l, r) => (r.range ? `${l}应在 ${number(r.range[0])} 到 ${number(r.range[1])} 之间。` : `${l}超出允许的范围。`),
    date: (l) => `${l}应为真实存在的日期（YYYY-MM-DD）。`,
    format: (l, r) => (r.shape ? `${l}应为 ${SHAPES.zh[r.shape]}。` : `${l}的格式不对。`),
    ssnCheckCharacter: (l) => `${l}的校验位（最后一位）不对，请核对号码。`,
    unknownField: (l, r, c) => `不接受字段“${c.field}”。`,
    duplicateField: (l) => `${l}重复出现了。`,
    controlCharacter: (l) => `${l}不能包含控制字符（如换行、制表符）。`,
    nesting: (l) => `${l}的嵌套层级过深。`,
    encoding: (l) => `${l}必须是有效的 UTF-8 文本。`,
    regionPrefix: (l, r, c) => (REGION_PREFIX[c.region] ? `${label(c.region)}的场馆，${l}须以 ${REGION_PREFIX[c.region]} 开头。` : `${l}与场馆所在地区不符（四川 51，重庆 50）。`),
    notApplicable: (l, r, c) => (c.type ? `${label(c.type)}不适用${l}，请留空。` : `该类型的场馆不适用${l}，请留空。`),
    dateOrder: (l) => `${l}不能早于${bare(t('fieldListedFrom'))}。`,
    emptyPeriod: () => `${t('close')}时间不能与${t('open')}时间相同。`,
    duplicateValue: (l, r, c) => (c.leaf === 'days' ? '同一天不能出现两次。' : `${l}重复了，不能出现两次。`),
    immutable: (l) => `${l}创建后不可更改。`,
    duplicateVenue: (l, r, c) => `编码 ${c.code} 已被其他场馆使用。`,
    pickADay: () => t('pickADay'),
  },
  en: {
    required: (l) => `${l} is required.`,
    type: (l, r) => (r.number ? `${l} must be a number.` : `${l} has the wrong type.`),
    length: (l, r) => (r.length ? `${l} must be ${r.length[0]}–${r.length[1]} characters.` : `${l} has the wrong length.`),
    pattern: (l, r) => (r.shape ? `${l} must be ${SHAPES.en[r.shape]}.` : `${l} is not in the right form.`),
    enum: (l) => `${l} is not one of the allowed values.`,
    range: (l, r) => (r.range ? `${l} must be from ${number(r.range[0])} to ${number(r.range[1])}.` : `${l} is out of range.`),
    date: (l) => `${l} must be a real date (YYYY-MM-DD).`,
    format: (l, r) => (r.shape ? `${l} must be ${SHAPES.en[r.shape]}.` : `${l} is not in the right form.`),
    ssnCheckCharacter: (l) => `${l} has a wrong check character (the last one); check the number.`,
    unknownField: (l, r, c) => `The field “${c.field}” is not accepted.`,
    duplicateField: (l) => `${l} appears more than once.`,
    controlCharacter: (l) => `${l} must not contain control characters (such as line breaks or tabs).`,
    nesting: (l) => `${l} is nested too deeply.`,
    encoding: (l) => `${l} must be valid UTF-8 text.`,
    regionPrefix: (l, r, c) => (REGION_PREFIX[c.region] ? `${l} of a ${label(c.region)} venue must start with ${REGION_PREFIX[c.region]}.` : `${l} does not match the venue's region (Sichuan 51, Chongqing 50).`),
    notApplicable: (l, r, c) => (c.type ? `${l} does not apply to a ${label(c.type).toLowerCase()}; leave it empty.` : `${l} does not apply to this type of venue; leave it empty.`),
    dateOrder: (l) => `${l} must not be before ${bare(t('fieldListedFrom')).toLowerCase()}.`,
    emptyPeriod: () => 'The closing time must differ from the opening time.',
    duplicateValue: (l, r, c) => (c.leaf === 'days' ? 'A day must not appear twice.' : `${l} appears twice; it must be unique.`),
    immutable: (l) => `${l} cannot change once created.`,
    duplicateVenue: (l, r, c) => `The code ${c.code} is already taken by another venue.`,
    pickADay: () => t('pickADay'),
  },
};

/** The field's label without the hint in brackets: `城市代码（6 位）` → `城市代码`. */
const bare = (text) => text.replace(/\s*[（(][^（()）]*[)）]\s*$/, '');

const FIELD_LABEL_KEYS = {
  code: 'fieldCode', name: 'fieldName', type: 'fieldType', region: 'fieldRegion', cityCode: 'fieldCityCode', status: 'fieldStatus',
  listedFrom: 'fieldListedFrom', listedUntil: 'fieldListedUntil', network: 'fieldNetwork', line: 'fieldLine', km: 'fieldKm',
  dailyCapacity: 'fieldDailyCapacity', borrowLimit: 'fieldBorrowLimit', entryFeeFen: 'fieldEntryFeeFen', fareFen: 'fieldFareFen',
  openingHours: 'openingHours', open: 'open', close: 'close', days: 'openThatDay',
};

/** `openingHours[1].close` → `开放时间 · 关门`; a field the console does not know keeps its name. */
export function fieldLabel(field) {
  if (!field) return '';
  const parts = field.split(/[.[\]]+/).filter((part) => part && !/^\d+$/.test(part));
  const labels = parts.map((part) => (FIELD_LABEL_KEYS[part] ? bare(t(FIELD_LABEL_KEYS[part])) : part));
  return labels.length > 1 && parts[0] === 'openingHours' ? `${labels[0]} · ${labels.at(-1)}` : labels.join('.');
}

/** The text of one field error in the current language; the API's message when its code is unknown. */
export function fieldErrorText(detail, context = {}) {
  const text = TEXTS[currentLanguage()][detail.constraint];
  if (!text) return detail.message;
  const leaf = (detail.field ?? '').split(/[.[\]]+/).filter(Boolean).at(-1) ?? '';
  return text(fieldLabel(detail.field), RULES[leaf] ?? {}, { ...context, field: detail.field, leaf });
}
