/**
 * Where a parcel goes, as coordinates the split planner can measure distances to. Pure and
 * deterministic (it runs inside workflow code). Precision is deliberately coarse: a country centroid,
 * or for the United States the centre of the first-digit ZIP zone, is enough to pick the nearer warehouse.
 */
import type { GeoPoint } from './split-planner.js';

const US_ZIP_ZONES: Readonly<Record<string, GeoPoint>> = {
  '0': { latitude: 42.4, longitude: -72.0 }, // New England, NJ, PR
  '1': { latitude: 41.5, longitude: -75.5 }, // NY, PA, DE
  '2': { latitude: 37.5, longitude: -78.5 }, // DC, MD, VA, WV, NC, SC
  '3': { latitude: 32.5, longitude: -84.5 }, // GA, FL, AL, TN, MS
  '4': { latitude: 40.0, longitude: -85.0 }, // KY, IN, MI, OH
  '5': { latitude: 44.5, longitude: -94.0 }, // IA, WI, MN, SD, ND, MT
  '6': { latitude: 39.0, longitude: -92.5 }, // IL, MO, KS, NE
  '7': { latitude: 32.0, longitude: -96.5 }, // LA, AR, OK, TX
  '8': { latitude: 40.0, longitude: -108.0 }, // CO, WY, ID, UT, AZ, NM, NV
  '9': { latitude: 38.5, longitude: -121.0 }, // CA, OR, WA, AK, HI
};

const COUNTRY_CENTROIDS: Readonly<Record<string, GeoPoint>> = {
  US: { latitude: 39.8, longitude: -98.6 },
  CA: { latitude: 56.1, longitude: -106.3 },
  MX: { latitude: 23.6, longitude: -102.6 },
  GB: { latitude: 54.0, longitude: -2.0 },
  IE: { latitude: 53.4, longitude: -8.2 },
  FR: { latitude: 46.2, longitude: 2.2 },
  DE: { latitude: 51.2, longitude: 10.5 },
  NL: { latitude: 52.1, longitude: 5.3 },
  ES: { latitude: 40.5, longitude: -3.7 },
  IT: { latitude: 41.9, longitude: 12.6 },
  JP: { latitude: 36.2, longitude: 138.3 },
  AU: { latitude: -25.3, longitude: 133.8 },
  BR: { latitude: -14.2, longitude: -51.9 },
  IN: { latitude: 20.6, longitude: 78.9 },
};

/** Coordinates for a shipping address; undefined when the country is unknown (the planner then ties on id). */
export function destinationOf(address: { country: string; postalCode: string }): GeoPoint | undefined {
  const country = address.country.trim().toUpperCase();
  if (country === 'US') {
    const zone = US_ZIP_ZONES[address.postalCode.trim().charAt(0)];
    if (zone) return zone;
  }
  return COUNTRY_CENTROIDS[country];
}

/** The middle of the given points: where to aim when the destination is unknown. */
export function centroid(points: readonly GeoPoint[]): GeoPoint {
  const n = Math.max(points.length, 1);
  return {
    latitude: points.reduce((sum, p) => sum + p.latitude, 0) / n,
    longitude: points.reduce((sum, p) => sum + p.longitude, 0) / n,
  };
}
