import { GAZA_STRIP, GOVERNORATES, KNOWN_PCODES, LOCALITIES, governorateAt, governoratePolygons } from '@cmcc/subgraph-kit';

/** P-codes an incident may be placed in: the Gaza Strip and the areas below it (not the State of Palestine as a whole). */
export const GAZA_PCODES: ReadonlySet<string> = new Set([...KNOWN_PCODES].filter((pcode) => pcode.startsWith(GAZA_STRIP.pcode)));

/**
 * How far outside the governorates' polygons (in degrees of latitude, about 330 m) a point may still be accepted: the
 * polygons follow the coast and the borders to within about 45 m (geoBoundaries, simplified), and reported positions on the
 * beach or a jetty should not be refused. Enough to catch what the check is for: swapped or mistyped coordinates, and
 * places in Israel or Egypt.
 */
const TOLERANCE = 0.003;

/** Distance in degrees of latitude from a point to the nearest governorate border, with longitude scaled to the same length. */
function distanceToPolygons(lat: number, lon: number): number {
  const scale = Math.cos((31.4 * Math.PI) / 180);
  let best = Infinity;
  for (const { ring } of governoratePolygons()) {
    for (let i = 1; i < ring.length; i++) {
      const [ax, ay] = [ring[i - 1][0] * scale, ring[i - 1][1]];
      const [bx, by] = [ring[i][0] * scale, ring[i][1]];
      const [px, py] = [lon * scale, lat];
      const length = (bx - ax) ** 2 + (by - ay) ** 2;
      const t = length ? Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length)) : 0;
      best = Math.min(best, Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay))));
    }
  }
  return best;
}

/** Whether a point lies in the Gaza Strip: inside one of the five governorates' polygons, or within the tolerance of them. */
export function inGazaStrip(latitude: number, longitude: number): boolean {
  return governorateAt(latitude, longitude) !== null || distanceToPolygons(latitude, longitude) <= TOLERANCE;
}

/** Why a pair of coordinates is refused, or null when it lies in the Gaza Strip. */
export function coordinateProblem(latitude: number, longitude: number): string | null {
  if (inGazaStrip(latitude, longitude)) return null;
  if (inGazaStrip(longitude, latitude)) {
    return `The point (${latitude}, ${longitude}) lies outside the Gaza Strip; latitude and longitude look swapped (the Strip lies near latitude 31.4, longitude 34.4)`;
  }
  return `The point (${latitude}, ${longitude}) lies outside the Gaza Strip (about latitude 31.22 to 31.60, longitude 34.22 to 34.57); give WGS 84 decimal degrees of a place in the Strip`;
}

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
