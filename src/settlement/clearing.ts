/**
 * Clearing (清分结算): every charge is owed by the card's region (issuer) to the venue's region
 * (acquirer). Pure: takes the day's summed charges, answers lines and net positions.
 */
export interface SettlementLine {
  issuerRegion: string;
  acquirerRegion: string;
  count: number;
  amountFen: number;
}

export interface NetPosition {
  from: string;
  to: string;
  amountFen: number;
}

/** Nets what each pair of regions owes each other; a region owes itself nothing. */
export function netPositions(lines: SettlementLine[]): NetPosition[] {
  const owed = new Map<string, number>();
  for (const line of lines) {
    if (line.issuerRegion === line.acquirerRegion) continue;
    const key = `${line.issuerRegion}>${line.acquirerRegion}`;
    owed.set(key, (owed.get(key) ?? 0) + line.amountFen);
  }
  const net: NetPosition[] = [];
  const seen = new Set<string>();
  for (const key of [...owed.keys()].sort()) {
    const [from, to] = key.split('>');
    const pair = [from, to].sort().join('|');
    if (seen.has(pair)) continue;
    seen.add(pair);
    const amountFen = (owed.get(`${from}>${to}`) ?? 0) - (owed.get(`${to}>${from}`) ?? 0);
    if (amountFen > 0) net.push({ from, to, amountFen });
    else if (amountFen < 0) net.push({ from: to, to: from, amountFen: -amountFen });
  }
  return net;
}
