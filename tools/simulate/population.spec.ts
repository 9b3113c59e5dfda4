import { checkSsn } from '../../src/cards/ssn';
import { ageOn } from '../../src/common/time';
import { CHONGQING_AREAS, cityGroupOf, REGION_POPULATION_MILLIONS, SICHUAN_AREAS } from './geography';
import { allocateResidents, buildPopulation, Person, VISITOR_SHARE } from './population';

const SICHUAN_SHARE = REGION_POPULATION_MILLIONS.SICHUAN / (REGION_POPULATION_MILLIONS.SICHUAN + REGION_POPULATION_MILLIONS.CHONGQING);
const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);
const share = (people: Person[], test: (p: Person) => boolean) => people.filter(test).length / people.length;

describe('allocateResidents', () => {
  it('splits the regions 83.7 : 32 and every area by its people, adding up exactly', () => {
    for (const total of [1, 7, 2000, 100_000]) {
      const allocation = allocateResidents(total);
      expect(sum(allocation.map((a) => a.count))).toBe(total);
    }
    const allocation = allocateResidents(100_000);
    const sichuan = sum(allocation.filter((a) => a.area.region === 'SICHUAN').map((a) => a.count));
    expect(Math.abs(sichuan - 100_000 * SICHUAN_SHARE)).toBeLessThanOrEqual(1);
    const chengdu = allocation.find((a) => a.area.code === '510100')!.count;
    const sichuanMillions = sum(SICHUAN_AREAS.map((a) => a.millions));
    expect(Math.abs(chengdu - (100_000 * SICHUAN_SHARE * 21.4) / sichuanMillions)).toBeLessThanOrEqual(1);
    const central = sum(allocation.filter((a) => a.area.group === 'CHONGQING_CENTRAL').map((a) => a.count));
    const centralShare = sum(CHONGQING_AREAS.filter((a) => a.group === 'CHONGQING_CENTRAL').map((a) => a.millions)) / sum(CHONGQING_AREAS.map((a) => a.millions));
    expect(Math.abs(central - 100_000 * (1 - SICHUAN_SHARE) * centralShare)).toBeLessThanOrEqual(5);
  });
});

describe('buildPopulation', () => {
  const people = buildPopulation(20_000, '7', '2025-03-07');

  it('is the same for the same seed and different for another', () => {
    expect(buildPopulation(500, '7', '2025-03-07')).toEqual(buildPopulation(500, '7', '2025-03-07'));
    expect(buildPopulation(500, '8', '2025-03-07')).not.toEqual(buildPopulation(500, '7', '2025-03-07'));
  });

  it('has both regions in proportion to their people, and a few visitors from outside the scheme', () => {
    expect(people).toHaveLength(20_000);
    const visitors = Math.round(20_000 * VISITOR_SHARE);
    expect(people.filter((p) => p.region === 'OTHER')).toHaveLength(visitors);
    const residents = people.filter((p) => p.region !== 'OTHER');
    expect(Math.abs(share(residents, (p) => p.region === 'SICHUAN') - SICHUAN_SHARE)).toBeLessThan(0.001);
    expect(share(residents, (p) => p.group === 'CHENGDU')).toBeCloseTo(0.185, 2);
    expect(share(residents, (p) => p.group === 'CHONGQING_CENTRAL')).toBeCloseTo(0.091, 2);
  });

  it('gives each card holder an issuer code of their home and a valid, unique resident ID number born on their age', () => {
    const misfits = people.filter((person) => {
      const ssn = checkSsn(person.ssn);
      return (
        cityGroupOf(person.issuerCode) !== person.group ||
        !ssn.valid ||
        ssn.birthDate !== person.birthDate ||
        ageOn(person.birthDate, '2025-03-07') !== person.age ||
        person.validFrom > '2025-03-06'
      );
    });
    expect(misfits).toEqual([]);
    expect(new Set(people.map((p) => p.ssn)).size).toBe(people.length);
  });

  it('has the age structure of the two regions and concessions that fit the ages', () => {
    expect(share(people, (p) => p.age < 18)).toBeCloseTo(0.195, 1);
    expect(share(people, (p) => p.age >= 60)).toBeCloseTo(0.23, 1);
    const students = people.filter((p) => p.concession === 'STUDENT');
    expect(students.filter((p) => p.role !== 'PUPIL' && p.role !== 'STUDENT')).toEqual([]);
    const seniors = people.filter((p) => p.concession === 'SENIOR');
    expect(seniors.filter((p) => p.age < (p.region === 'CHONGQING' ? 65 : 70))).toEqual([]);
    expect(share(people, (p) => p.concession === 'DISABLED')).toBeCloseTo(0.014, 2);
  });

  it('commutes by metro or bus only where the whitelist has them: Chengdu and central Chongqing', () => {
    const commuters = people.filter((p) => p.commuteMode !== 'NONE');
    expect(commuters.filter((p) => p.group !== 'CHENGDU' && p.group !== 'CHONGQING_CENTRAL')).toEqual([]);
    const workers = people.filter((p) => p.role === 'WORKER' && (p.group === 'CHENGDU' || p.group === 'CHONGQING_CENTRAL'));
    expect(share(workers, (p) => p.commuteMode !== 'NONE')).toBeCloseTo(0.77, 1);
  });
});
