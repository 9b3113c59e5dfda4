/**
 * Where people live and how their cities move: the two regions' populations, the four city
 * groups the report compares, and the commuting peaks of Chengdu and Chongqing.
 *
 * Populations are the 2023 year-end resident figures of the provincial statistical yearbooks,
 * in millions; the regions are scaled to the totals the scenario is specified with (Sichuan
 * 83.7 M, Chongqing 32 M).
 */

export type SchemeRegion = 'SICHUAN' | 'CHONGQING';
export type CityGroup = 'CHENGDU' | 'OTHER_SICHUAN' | 'CHONGQING_CENTRAL' | 'OTHER_CHONGQING';
/** A card from outside the scheme (its taps are declined CARD_NOT_IN_SCHEME). */
export type Group = CityGroup | 'OUTSIDE';

export const CITY_GROUPS: readonly CityGroup[] = ['CHENGDU', 'OTHER_SICHUAN', 'CHONGQING_CENTRAL', 'OTHER_CHONGQING'];
export const CITY_GROUP_LABELS: Record<Group, string> = {
  CHENGDU: 'Chengdu',
  OTHER_SICHUAN: 'Other Sichuan',
  CHONGQING_CENTRAL: 'Chongqing central',
  OTHER_CHONGQING: 'Other Chongqing',
  OUTSIDE: 'Outside the scheme',
};

export const REGION_POPULATION_MILLIONS: Record<SchemeRegion, number> = { SICHUAN: 83.7, CHONGQING: 32 };

/** A home area: a prefecture-level city of Sichuan, or a district or county of Chongqing. */
export interface HomeArea {
  /** GB/T 2260 code, used as the card's issuer code. */
  code: string;
  name: string;
  region: SchemeRegion;
  group: CityGroup;
  millions: number;
}

const sichuan = (code: string, name: string, millions: number): HomeArea => ({
  code,
  name,
  region: 'SICHUAN',
  group: code === '510100' ? 'CHENGDU' : 'OTHER_SICHUAN',
  millions,
});
const chongqing = (code: string, name: string, millions: number, central: boolean): HomeArea => ({
  code,
  name,
  region: 'CHONGQING',
  group: central ? 'CHONGQING_CENTRAL' : 'OTHER_CHONGQING',
  millions,
});

export const SICHUAN_AREAS: readonly HomeArea[] = [
  sichuan('510100', 'Chengdu', 21.4),
  sichuan('510300', 'Zigong', 2.48),
  sichuan('510400', 'Panzhihua', 1.22),
  sichuan('510500', 'Luzhou', 4.25),
  sichuan('510600', 'Deyang', 3.45),
  sichuan('510700', 'Mianyang', 4.89),
  sichuan('510800', 'Guangyuan', 2.27),
  sichuan('510900', 'Suining', 2.79),
  sichuan('511000', 'Neijiang', 3.1),
  sichuan('511100', 'Leshan', 3.16),
  sichuan('511300', 'Nanchong', 5.56),
  sichuan('511400', 'Meishan', 2.96),
  sichuan('511500', 'Yibin', 4.62),
  sichuan('511600', "Guang'an", 3.24),
  sichuan('511700', 'Dazhou', 5.35),
  sichuan('511800', "Ya'an", 1.43),
  sichuan('511900', 'Bazhong', 2.68),
  sichuan('512000', 'Ziyang', 2.29),
  sichuan('513200', 'Aba', 0.82),
  sichuan('513300', 'Ganzi', 1.1),
  sichuan('513400', 'Liangshan', 4.87),
];

/** The nine districts of central Chongqing (中心城区) and the other districts and counties. */
export const CHONGQING_AREAS: readonly HomeArea[] = [
  chongqing('500103', 'Yuzhong', 0.59, true),
  chongqing('500104', 'Dadukou', 0.43, true),
  chongqing('500105', 'Jiangbei', 0.93, true),
  chongqing('500106', 'Shapingba', 1.5, true),
  chongqing('500107', 'Jiulongpo', 1.54, true),
  chongqing('500108', "Nan'an", 1.21, true),
  chongqing('500109', 'Beibei', 0.84, true),
  chongqing('500112', 'Yubei', 2.24, true),
  chongqing('500113', 'Banan', 1.2, true),
  chongqing('500101', 'Wanzhou', 1.56, false),
  chongqing('500102', 'Fuling', 1.12, false),
  chongqing('500110', 'Qijiang', 1.01, false),
  chongqing('500111', 'Dazu', 0.83, false),
  chongqing('500114', 'Qianjiang', 0.49, false),
  chongqing('500115', 'Changshou', 0.69, false),
  chongqing('500116', 'Jiangjin', 1.36, false),
  chongqing('500117', 'Hechuan', 1.25, false),
  chongqing('500118', 'Yongchuan', 1.15, false),
  chongqing('500119', 'Nanchuan', 0.58, false),
  chongqing('500120', 'Bishan', 0.77, false),
  chongqing('500151', 'Tongliang', 0.69, false),
  chongqing('500152', 'Tongnan', 0.59, false),
  chongqing('500153', 'Rongchang', 0.67, false),
  chongqing('500154', 'Kaizhou', 1.17, false),
  chongqing('500155', 'Liangping', 0.64, false),
  chongqing('500156', 'Wulong', 0.34, false),
  chongqing('500229', 'Chengkou', 0.19, false),
  chongqing('500230', 'Fengdu', 0.56, false),
  chongqing('500231', 'Dianjiang', 0.67, false),
  chongqing('500233', 'Zhongxian', 0.72, false),
  chongqing('500235', 'Yunyang', 0.93, false),
  chongqing('500236', 'Fengjie', 0.75, false),
  chongqing('500237', 'Wushan', 0.46, false),
  chongqing('500238', 'Wuxi', 0.38, false),
  chongqing('500240', 'Shizhu', 0.39, false),
  chongqing('500241', 'Xiushan', 0.48, false),
  chongqing('500242', 'Youyang', 0.55, false),
  chongqing('500243', 'Pengshui', 0.46, false),
];

/** Where cards from outside the scheme come from (visitors): Guangzhou, Beijing, Xi'an, Kunming, Shanghai. */
export const OUTSIDE_ISSUERS: readonly string[] = ['440100', '110100', '610100', '530100', '310100'];

/** Chengdu's districts, for the region part of a Chengdu resident's ssn. */
export const CHENGDU_DISTRICTS: readonly string[] = ['510104', '510105', '510106', '510107', '510108', '510112', '510114', '510116'];

const CENTRAL_CHONGQING_CODES = new Set(CHONGQING_AREAS.filter((a) => a.group === 'CHONGQING_CENTRAL').map((a) => a.code));

/**
 * The city group of an issuer or venue city code. `500100` (the municipality as a whole, which
 * the rail and bus lines of the urban area carry) counts as central Chongqing.
 */
export function cityGroupOf(code: string): Group {
  if (code.startsWith('5101')) return 'CHENGDU';
  if (code.startsWith('51')) return 'OTHER_SICHUAN';
  if (code === '500100' || CENTRAL_CHONGQING_CODES.has(code)) return 'CHONGQING_CENTRAL';
  if (code.startsWith('50')) return 'OTHER_CHONGQING';
  return 'OUTSIDE';
}

/** The transit city a group's residents commute in, if the whitelist has its metro and buses. */
export type TransitCity = 'CHENGDU' | 'CHONGQING';
export function transitCityOf(group: Group): TransitCity | null {
  if (group === 'CHENGDU') return 'CHENGDU';
  if (group === 'CHONGQING_CENTRAL') return 'CHONGQING';
  return null;
}

/** A time of day as a normal distribution, in minutes after midnight. */
export interface PeakWave {
  center: number;
  sd: number;
}

/**
 * Commuting peaks. Chengdu Metro's busiest hour is 08:00–09:00 (peak 07:30–09:30) and
 * 17:30–19:00 in the evening; Chongqing Rail Transit's morning peak comes earlier,
 * 07:00–09:00 with its busiest half hour about 07:45, the evening peak 17:30–19:30.
 */
export const PEAKS: Record<TransitCity, { morning: PeakWave; evening: PeakWave; school: PeakWave; schoolOut: PeakWave }> = {
  CHENGDU: {
    morning: { center: 8 * 60 + 15, sd: 32 },
    evening: { center: 18 * 60 + 10, sd: 42 },
    school: { center: 7 * 60 + 25, sd: 15 },
    schoolOut: { center: 17 * 60 + 10, sd: 30 },
  },
  CHONGQING: {
    morning: { center: 7 * 60 + 50, sd: 30 },
    evening: { center: 18 * 60 + 20, sd: 45 },
    school: { center: 7 * 60 + 15, sd: 15 },
    schoolOut: { center: 17 * 60 + 20, sd: 30 },
  },
};

/** The railway stations (metro stations at them) where travellers arrive in a city. */
export const RAILWAY_STATIONS: Record<TransitCity, readonly string[]> = {
  CHENGDU: ['CD-M2-CDDKZ', 'CD-M1-HCBZ', 'CD-M1-HCNZ'],
  CHONGQING: ['CQ-R3-CQBZNGC', 'CQ-R1-SPB'],
};
