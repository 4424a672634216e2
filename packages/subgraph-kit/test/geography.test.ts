import { describe, expect, it } from 'vitest';
import {
  controlLineAt,
  controlLines,
  controlShare,
  governorateAt,
  governoratePolygons,
  inGazaStrip,
  pointInRing,
  randomPointIn,
  SeededRandom,
  yellowLineSide,
} from '@cmcc/subgraph-kit';

// Expected answers come from DOMAIN.md and common knowledge of the map, not from the functions under test: the Strip has
// five governorates (North Gaza PS0255, Gaza PS0260, Deir Al-Balah PS0265, Khan Younis PS0270, Rafah PS0275), covers
// ~365 km², and at the ceasefire in force 10 Oct 2025 Israeli forces kept about 53% of it, east of the Yellow Line.

const AFTER_CEASEFIRE = new Date('2025-10-15T00:00:00Z');
const BEFORE_CEASEFIRE = new Date('2025-10-01T00:00:00Z');

describe('governorate polygons', () => {
  it.each([
    ['Gaza City', 31.5, 34.46, 'PS0260'],
    ['Rafah', 31.28, 34.25, 'PS0275'],
    ['Beit Hanoun', 31.54, 34.54, 'PS0255'],
    ['Khan Younis', 31.34, 34.3, 'PS0270'],
    ['Deir al-Balah', 31.42, 34.35, 'PS0265'],
    ['Jabalia', 31.53, 34.48, 'PS0255'],
    ['Nuseirat', 31.45, 34.39, 'PS0265'],
  ])('places %s in its governorate', (_name, lat, lon, pcode) => {
    expect(governorateAt(lat, lon)).toBe(pcode);
    expect(inGazaStrip(lat, lon)).toBe(true);
  });

  it.each([
    ['Tel Aviv', 32.08, 34.78],
    ['El-Arish (Egypt)', 31.13, 33.8],
    ['Sderot (Israel)', 31.525, 34.596],
    ['the sea off Gaza City', 31.52, 34.4],
  ])('puts %s outside the Strip', (_name, lat, lon) => {
    expect(governorateAt(lat, lon)).toBeNull();
    expect(inGazaStrip(lat, lon)).toBe(false);
  });

  it('ships the five governorates with P-codes, names, source and licence', () => {
    expect(governoratePolygons().map((g) => g.pcode)).toEqual(['PS0255', 'PS0260', 'PS0265', 'PS0270', 'PS0275']);
    for (const g of governoratePolygons()) {
      expect(g.source).toContain('geoBoundaries');
      expect(g.licence).toContain('CC BY 4.0');
      expect(g.ring[0]).toEqual(g.ring[g.ring.length - 1]);
    }
  });

  it('tiles the Strip: no point lies in two governorates, no hole between them, and the area is about 365 km²', () => {
    const step = 0.001; // about 100 m
    const hop = 0.002; // about 200 m
    const inAny = (lon: number, lat: number) => governoratePolygons().some((g) => pointInRing(g.ring, lon, lat));
    let cells = 0;
    let overlaps = 0;
    let holes = 0;
    for (let lat = 31.2 + step / 2; lat < 31.62; lat += step) {
      for (let lon = 34.19 + step / 2; lon < 34.6; lon += step) {
        const count = governoratePolygons().filter((g) => pointInRing(g.ring, lon, lat)).length;
        if (count > 1) overlaps++;
        if (count > 0) cells++;
        // A point outside every governorate with land 200 m away on all four sides would be a hole between them.
        else if (inAny(lon + hop, lat) && inAny(lon - hop, lat) && inAny(lon, lat + hop) && inAny(lon, lat - hop)) holes++;
      }
    }
    expect({ overlaps, holes }).toEqual({ overlaps: 0, holes: 0 });
    const km2 = cells * step * Math.cos((31.4 * Math.PI) / 180) * 111.32 * step * 110.57;
    expect(km2).toBeGreaterThan(355);
    expect(km2).toBeLessThan(375);
  });
});

describe('the Yellow Line as a dated layer', () => {
  it('has no version in force before the ceasefire of 10 Oct 2025, and one from it', () => {
    expect(controlLineAt(BEFORE_CEASEFIRE)).toBeNull();
    expect(yellowLineSide(31.5, 34.46, BEFORE_CEASEFIRE)).toBeNull();
    expect(controlShare('PS02', BEFORE_CEASEFIRE)).toBeNull();
    const version = controlLineAt(AFTER_CEASEFIRE);
    expect(version?.validFrom.toISOString()).toBe('2025-10-10T00:00:00.000Z');
    expect(version?.validTo).toBeNull();
    expect(controlLines()).toHaveLength(1);
  });

  it('says its geometry is SYNTHETIC, an approximation', () => {
    const version = controlLineAt(AFTER_CEASEFIRE)!;
    expect(version.source).toBe('SYNTHETIC');
    expect(version.description).toMatch(/approximation/i);
    expect(version.geometry.type).toBe('LineString');
  });

  it('leaves about 53% of the Strip east of the line (0.53 ± 0.03)', () => {
    const share = controlShare('PS02', AFTER_CEASEFIRE)!;
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.56);
  });

  it('gives every governorate a share between 0 and 1, and none for a locality', () => {
    for (const pcode of ['PS0255', 'PS0260', 'PS0265', 'PS0270', 'PS0275']) {
      const share = controlShare(pcode, AFTER_CEASEFIRE)!;
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThan(1);
    }
    expect(controlShare('PS026001', AFTER_CEASEFIRE)).toBeNull();
  });

  it('puts places next to the border with Israel east of the line and places on the coast west of it', () => {
    // The line runs 1.5 to 7 km west of the border: Khuza'a lies about 1 km from it; the coast is farther than 7 km away.
    expect(yellowLineSide(31.31, 34.36, AFTER_CEASEFIRE)).toBe('EAST');
    expect(yellowLineSide(31.36, 34.27, AFTER_CEASEFIRE)).toBe('WEST'); // Al-Mawasi, on the coast of Khan Younis
    expect(yellowLineSide(31.42, 34.33, AFTER_CEASEFIRE)).toBe('WEST'); // the coast at Deir al-Balah
  });
});

describe('synthetic points', () => {
  it('draws the same points from the same seed, each inside its governorate and on the side asked for', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 20 }, (_, n) => randomPointIn(['PS0255', 'PS0275'][n % 2], () => random.next(), { side: 'WEST', at: AFTER_CEASEFIRE }));
    };
    const points = draw(7);
    expect(draw(7)).toEqual(points);
    points.forEach(({ latitude, longitude }, n) => {
      expect(governorateAt(latitude, longitude)).toBe(['PS0255', 'PS0275'][n % 2]);
      expect(yellowLineSide(latitude, longitude, AFTER_CEASEFIRE)).toBe('WEST');
    });
  });

  it('refuses an area without a polygon', () => {
    expect(() => randomPointIn('PS', () => 0.5)).toThrow(/No polygon/);
  });
});
