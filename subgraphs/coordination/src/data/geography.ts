import { GOVERNORATES } from '@cmcc/subgraph-kit';

/**
 * Where notified sites and routes may lie. Until the subgraph kit's Gaza Strip polygons are available to every
 * subgraph, this is the approximate outline the security subgraph uses (accurate to about a kilometre: enough to catch
 * swapped or mistyped coordinates and places in Israel or Egypt), and the governorates are told apart by their
 * nearest centre. Replace both with the kit's polygons when they land.
 */
const OUTLINE: readonly (readonly [number, number])[] = [
  [31.324, 34.218], // coast at the Egyptian border (Rafah)
  [31.595, 34.49], // coast at the northern border (Zikim)
  [31.56, 34.57], // north-eastern corner (Erez)
  [31.47, 34.485], // east of Gaza City (Nahal Oz)
  [31.375, 34.39], // Kissufim
  [31.31, 34.378], // east of Khuza'a
  [31.222, 34.268], // Kerem Shalom, where the borders with Israel and Egypt meet
];

/** Whether a point lies inside the outline (ray casting). */
export function inGazaStrip(latitude: number, longitude: number): boolean {
  let result = false;
  for (let i = 0, j = OUTLINE.length - 1; i < OUTLINE.length; j = i++) {
    const [latI, lonI] = OUTLINE[i];
    const [latJ, lonJ] = OUTLINE[j];
    if (latI > latitude !== latJ > latitude && longitude < ((lonJ - lonI) * (latitude - latI)) / (latJ - latI) + lonI) result = !result;
  }
  return result;
}

/** Approximate centres of the five governorates (latitude, longitude), as the task gives them for synthetic points. */
export const GOVERNORATE_CENTRES: Readonly<Record<string, readonly [number, number]>> = Object.freeze({
  PS0255: [31.53, 34.5], // North Gaza
  PS0260: [31.5, 34.45], // Gaza
  PS0265: [31.42, 34.35], // Deir Al-Balah
  PS0270: [31.35, 34.3], // Khan Younis
  PS0275: [31.29, 34.25], // Rafah
});

/** The governorate whose centre is nearest the point (a stand-in for the kit's polygons). */
export function nearestGovernorate(latitude: number, longitude: number): string {
  let best = GOVERNORATES[0].pcode as string;
  let distance = Infinity;
  for (const [pcode, [lat, lon]] of Object.entries(GOVERNORATE_CENTRES)) {
    const d = (lat - latitude) ** 2 + (lon - longitude) ** 2;
    if (d < distance) [best, distance] = [pcode, d];
  }
  return best;
}

/** Why a point is refused, or null when it lies in the Gaza Strip. */
export function coordinateProblem(latitude: number, longitude: number): string | null {
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return 'Give the latitude and longitude as WGS 84 decimal degrees';
  if (inGazaStrip(latitude, longitude)) return null;
  if (inGazaStrip(longitude, latitude)) return `The point (${latitude}, ${longitude}) lies outside the Gaza Strip; latitude and longitude look swapped`;
  return `The point (${latitude}, ${longitude}) lies outside the Gaza Strip (about latitude 31.22 to 31.60, longitude 34.22 to 34.57)`;
}
