import { makeSsn } from '../../src/cards/ssn';
import { addYears, ageOn } from '../../src/common/time';
import {
  CHENGDU_DISTRICTS,
  CHONGQING_AREAS,
  Group,
  HomeArea,
  OUTSIDE_ISSUERS,
  REGION_POPULATION_MILLIONS,
  SICHUAN_AREAS,
  transitCityOf,
} from './geography';
import { Random } from './prng';

export type Role = 'CHILD' | 'PUPIL' | 'STUDENT' | 'WORKER' | 'HOMEMAKER' | 'RETIREE' | 'VISITOR';
export type Concession = 'NONE' | 'SENIOR' | 'DISABLED' | 'STUDENT';
export type CommuteMode = 'METRO' | 'BUS' | 'BUS_METRO' | 'NONE';
export type TopUpHabit = 'AUTO' | 'WHEN_DECLINED';

/** One card holder of the synthetic population. */
export interface Person {
  index: number;
  /** `P0000017`: stable within a scenario, used in tap ids and top-up references. */
  id: string;
  name: string;
  ssn: string;
  issuerCode: string;
  region: 'SICHUAN' | 'CHONGQING' | 'OTHER';
  group: Group;
  areaName: string;
  birthDate: string;
  age: number;
  role: Role;
  concession: Concession;
  transportEnabled: boolean;
  validFrom: string;
  validUntil: string;
  initialBalanceFen: number;
  topUpHabit: TopUpHabit;
  commuteMode: CommuteMode;
  /** A library member: visits a library now and then, borrows and returns. */
  reader: boolean;
  /** How much more than average this person visits museums and scenic spots. */
  leisure: number;
  /** Chance per day of a trip to the other big city (or, from a small one, into the big one). */
  travel: number;
}

/** Share of cards from outside the scheme (visitors from other provinces trying their card). */
export const VISITOR_SHARE = 0.005;

const AGE_BANDS: readonly (readonly [[number, number], number])[] = [
  [[0, 5], 6],
  [[6, 11], 7],
  [[12, 17], 6.5],
  [[18, 22], 5.5],
  [[23, 44], 28],
  [[45, 59], 24],
  [[60, 64], 6],
  [[65, 79], 14],
  [[80, 95], 3],
];

/** Age from which the region's fare rules make a senior ride free (SPEC §5). */
const SENIOR_AGE: Record<'SICHUAN' | 'CHONGQING', number> = { SICHUAN: 70, CHONGQING: 65 };

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林郑梁谢唐许冯宋韩邓彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力梅鑫倩婷雪琳宇浩凯俊帅晨阳欣怡佳雨思睿子涵梓轩';

/** Splits `total` in proportion to `weights`, rounding by largest remainder so the parts add up exactly. */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let missing = total - counts.reduce((s, c) => s + c, 0);
  const order = exact.map((x, i) => ({ i, remainder: x - Math.floor(x) })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of order) {
    if (missing === 0) break;
    counts[i] += 1;
    missing -= 1;
  }
  return counts;
}

/**
 * Splits `total` people between the regions in proportion to their stated populations, then
 * within each region over its areas in proportion to theirs; the counts add up exactly.
 */
export function allocateResidents(total: number): { area: HomeArea; count: number }[] {
  const [sichuan, chongqing] = apportion(total, [REGION_POPULATION_MILLIONS.SICHUAN, REGION_POPULATION_MILLIONS.CHONGQING]);
  return [
    [SICHUAN_AREAS, sichuan],
    [CHONGQING_AREAS, chongqing],
  ].flatMap(([areas, count]) => {
    const list = areas as readonly HomeArea[];
    const counts = apportion(count as number, list.map((a) => a.millions));
    return list.map((area, i) => ({ area, count: counts[i] }));
  });
}

/**
 * The synthetic population: `count` card holders, residents of both regions in proportion to
 * their people plus a few visitors whose cards are from outside the scheme. `referenceDay` is
 * the first simulated day (ages are on that day). The same seed gives the same people.
 */
export function buildPopulation(count: number, seed: string, referenceDay: string): Person[] {
  const random = Random.of(seed, 'population');
  const visitors = Math.round(count * VISITOR_SHARE);
  const homes: { area: HomeArea | null }[] = [];
  for (const { area, count: n } of allocateResidents(count - visitors)) {
    for (let i = 0; i < n; i++) homes.push({ area });
  }
  for (let i = 0; i < visitors; i++) homes.push({ area: null });
  // Fisher–Yates, so that any prefix of the population is a fair sample of it.
  for (let i = homes.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [homes[i], homes[j]] = [homes[j], homes[i]];
  }

  const ssnSequences = new Map<string, number>();
  return homes.map(({ area }, index) => {
    const person = area ? resident(random, area, referenceDay, index) : visitor(random, referenceDay, index);
    person.ssn = uniqueSsn(ssnSequences, ssnRegionCode(random, person), person.birthDate);
    return person;
  });
}

function resident(random: Random, area: HomeArea, referenceDay: string, index: number): Person {
  const [low, high] = random.weighted(AGE_BANDS);
  const age = random.int(low, high);
  const birthDate = birthDateFor(random, referenceDay, age);
  const role = roleFor(random, age);
  const transit = transitCityOf(area.group) !== null;
  let concession: Concession = 'NONE';
  if (age >= 6 && random.chance(0.015)) concession = 'DISABLED';
  else if ((role === 'PUPIL' || role === 'STUDENT') && random.chance(0.85)) concession = 'STUDENT';
  else if (age >= SENIOR_AGE[area.region] && random.chance(0.7)) concession = 'SENIOR';
  const validity = validityFor(random, referenceDay);
  return {
    index,
    id: personId(index),
    name: nameFor(random),
    ssn: '',
    issuerCode: area.code,
    region: area.region,
    group: area.group,
    areaName: area.name,
    birthDate,
    age,
    role,
    concession,
    transportEnabled: role === 'CHILD' ? random.chance(0.5) : random.chance(0.95),
    ...validity,
    initialBalanceFen: random.weighted(OPENING_BALANCES),
    topUpHabit: random.chance(0.6) ? 'AUTO' : 'WHEN_DECLINED',
    commuteMode: transit ? commuteModeFor(random, role) : 'NONE',
    reader: random.chance(READER_SHARE[role]),
    leisure: role === 'RETIREE' ? 2 : role === 'CHILD' ? 0.3 : 1,
    travel: travelFor(area.group, role),
  };
}

function visitor(random: Random, referenceDay: string, index: number): Person {
  const issuerCode = random.pick(OUTSIDE_ISSUERS);
  const age = random.int(22, 60);
  return {
    index,
    id: personId(index),
    name: nameFor(random),
    ssn: '',
    issuerCode,
    region: 'OTHER',
    group: 'OUTSIDE',
    areaName: 'Visitor',
    birthDate: birthDateFor(random, referenceDay, age),
    age,
    role: 'VISITOR',
    concession: 'NONE',
    transportEnabled: true,
    ...validityFor(random, referenceDay),
    initialBalanceFen: random.weighted(OPENING_BALANCES),
    topUpHabit: 'WHEN_DECLINED',
    commuteMode: 'NONE',
    reader: false,
    leisure: 1,
    travel: 0,
  };
}

const personId = (index: number) => `P${String(index).padStart(7, '0')}`;

const OPENING_BALANCES: readonly (readonly [number, number])[] = [
  [0, 8],
  [1000, 17],
  [2000, 20],
  [5000, 25],
  [10000, 15],
  [20000, 10],
];

const READER_SHARE: Record<Role, number> = {
  CHILD: 0.03,
  PUPIL: 0.1,
  STUDENT: 0.15,
  WORKER: 0.05,
  HOMEMAKER: 0.08,
  RETIREE: 0.1,
  VISITOR: 0,
};

function roleFor(random: Random, age: number): Role {
  if (age < 6) return 'CHILD';
  if (age < 18) return 'PUPIL';
  if (age < 23) return random.chance(0.7) ? 'STUDENT' : 'WORKER';
  if (age < 60) return random.chance(0.8) ? 'WORKER' : 'HOMEMAKER';
  if (age < 65) return random.chance(0.35) ? 'WORKER' : 'RETIREE';
  return 'RETIREE';
}

function commuteModeFor(random: Random, role: Role): CommuteMode {
  switch (role) {
    case 'WORKER':
      return random.weighted([['METRO', 45], ['BUS', 20], ['BUS_METRO', 12], ['NONE', 23]] as const);
    case 'STUDENT':
      return random.weighted([['METRO', 45], ['BUS', 25], ['BUS_METRO', 15], ['NONE', 15]] as const);
    case 'PUPIL':
      return random.weighted([['BUS', 40], ['METRO', 20], ['NONE', 40]] as const);
    default:
      return 'NONE';
  }
}

function travelFor(group: Group, role: Role): number {
  const working = role === 'WORKER' || role === 'STUDENT';
  switch (group) {
    case 'CHENGDU':
    case 'CHONGQING_CENTRAL':
      return working ? 0.012 : 0.005;
    case 'OTHER_SICHUAN':
    case 'OTHER_CHONGQING':
      return working ? 0.04 : 0.02;
    default:
      return 0;
  }
}

function birthDateFor(random: Random, referenceDay: string, age: number): string {
  // Born between `age + 1` years and `age` years before the reference day.
  const latest = Date.parse(`${addYears(referenceDay, -age)}T00:00:00Z`);
  const earliest = Date.parse(`${addYears(referenceDay, -age - 1)}T00:00:00Z`) + 86_400_000;
  const day = earliest + random.int(0, Math.round((latest - earliest) / 86_400_000)) * 86_400_000;
  const birthDate = new Date(day).toISOString().slice(0, 10);
  return ageOn(birthDate, referenceDay) === age ? birthDate : addYears(referenceDay, -age);
}

/** Cards were issued over the last ten years; a few reach their end of validity during the run. */
function validityFor(random: Random, referenceDay: string): { validFrom: string; validUntil: string } {
  if (random.chance(0.003)) {
    const last = new Date(Date.parse(`${referenceDay}T00:00:00Z`) + random.int(-1, 2) * 86_400_000).toISOString().slice(0, 10);
    return { validFrom: addYears(last, -10), validUntil: last };
  }
  const daysBefore = random.int(30, 9 * 365);
  const validFrom = new Date(Date.parse(`${referenceDay}T00:00:00Z`) - daysBefore * 86_400_000).toISOString().slice(0, 10);
  return { validFrom, validUntil: addYears(validFrom, 10) };
}

function nameFor(random: Random): string {
  const given = random.chance(0.6) ? random.pick([...GIVEN]) + random.pick([...GIVEN]) : random.pick([...GIVEN]);
  return random.pick([...SURNAMES]) + given;
}

function ssnRegionCode(random: Random, person: Person): string {
  if (person.group === 'CHENGDU') return random.pick(CHENGDU_DISTRICTS);
  if (person.region === 'SICHUAN') return `${person.issuerCode.slice(0, 4)}02`;
  if (person.region === 'CHONGQING') return person.issuerCode;
  return `${person.issuerCode.slice(0, 4)}03`;
}

/** A resident ID number nobody else in the population holds: the sequence counts up per region and birth date. */
function uniqueSsn(sequences: Map<string, number>, regionCode: string, birthDate: string): string {
  const key = `${regionCode}${birthDate}`;
  const sequence = sequences.get(key) ?? 0;
  if (sequence > 999) throw new Error(`more than 1000 people born ${birthDate} in ${regionCode}`);
  sequences.set(key, sequence + 1);
  return makeSsn(regionCode, birthDate, sequence);
}
