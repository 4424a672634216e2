import { GAZA_STRIP, GOVERNORATES, KNOWN_PCODES, LOCALITIES } from '@cmcc/subgraph-kit';

export { coordinateProblem } from '@cmcc/subgraph-kit';

/** P-codes an incident may be placed in: the Gaza Strip and the areas below it (not the State of Palestine as a whole). */
export const GAZA_PCODES: ReadonlySet<string> = new Set([...KNOWN_PCODES].filter((pcode) => pcode.startsWith(GAZA_STRIP.pcode)));

/**
 * Place names as agencies spell them, reduced to a comparable form: no accents, apostrophes, articles (al, el, as,
 * ash, az, an, ad, ar, at) or words such as "camp", "city" and "governorate".
 */
export function placeKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘`ʿʾ]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((word) => word && !['al', 'el', 'as', 'ash', 'az', 'an', 'ad', 'ar', 'at', 'camp', 'city', 'governorate', 'refugee'].includes(word))
    .join(' ');
}

/** Spellings of the governorates' and localities' names found in ACLED, OCHA and partner exports, by P-code. */
const SPELLINGS: Record<string, string[]> = {
  PS0255: ['North Gaza', 'Gaza North', 'Shamal Ghazza', 'Shamal Gaza'],
  PS0260: ['Gaza', 'Gaza City', 'Ghazza'],
  PS0265: ['Deir Al-Balah', 'Deir al Balah', 'Deir el Balah', 'Dayr al Balah', 'Middle Area', 'Central Gaza'],
  PS0270: ['Khan Younis', 'Khan Yunis', 'Khan Yunus', 'Khan Younes'],
  PS0275: ['Rafah', 'Rafiah'],
  PS025501: ['Beit Hanoun', 'Beit Hanun', 'Bayt Hanun'],
  PS025502: ['Beit Lahia', 'Beit Lahiya', 'Bayt Lahiya'],
  PS025503: ['Jabalia Camp', 'Jabalia', 'Jabalya', 'Jabaliya', 'Jabalya Camp'],
  PS026001: ['Gaza City', 'Gaza'],
  PS026002: ['Ash-Shati Camp', 'Al Shati', 'Shati', 'Beach Camp', 'Shati Camp'],
  PS026501: ['Nuseirat', 'An Nuseirat', 'Nuseirat Camp', 'Nusseirat'],
  PS026502: ['Bureij', 'Al Bureij', 'Bureij Camp'],
  PS026503: ['Maghazi', 'Al Maghazi', 'Maghazi Camp'],
  PS026504: ['Deir al-Balah', 'Deir al Balah', 'Deir el Balah', 'Dayr al Balah'],
  PS026505: ['Az-Zawayda', 'Zawayda', 'Zawaida', 'Az Zawaida', 'Zuwaida'],
  PS027001: ['Khan Younis', 'Khan Yunis', 'Khan Yunus', 'Khan Younes'],
  PS027002: ['Bani Suhaila', 'Bani Suhayla', 'Bani Suheila', 'Bani Suhila'],
  PS027003: ["Khuza'a", 'Khuzaa', "Khuza'ah", 'Khuzaah', 'Khoza'],
  PS027004: ['Al-Mawasi', 'Mawasi', 'Al Mawasi'],
  PS027005: ['Abasan al-Kabira', 'Abasan al Kabira', 'Abasan Kabira', 'Abasan'],
  PS027501: ['Rafah'],
  PS027502: ['Tal as-Sultan', 'Tal al Sultan', 'Tel al Sultan', 'Tall as Sultan', 'Tel as Sultan'],
};

const byKey = (pcodes: readonly string[]) => {
  const map = new Map<string, string>();
  for (const pcode of pcodes) for (const spelling of SPELLINGS[pcode] ?? []) map.set(placeKey(spelling), pcode);
  return map;
};
const GOVERNORATE_BY_NAME = byKey(GOVERNORATES.map((g) => g.pcode));

export const GOVERNORATE_NAMES = GOVERNORATES.map((g) => g.name);

/** The governorate (admin2) a name refers to, or null when it is none of the five. */
export function governorateNamed(name: string): string | null {
  return GOVERNORATE_BY_NAME.get(placeKey(name)) ?? null;
}

/** The locality (admin3) of the given governorate a name refers to, or null when it is not one of the CMCC list. */
export function localityNamed(name: string, governorate: string | null): string | null {
  const localities = LOCALITIES.filter((l) => governorate === null || l.parent === governorate).map((l) => l.pcode);
  return byKey(localities).get(placeKey(name)) ?? null;
}
