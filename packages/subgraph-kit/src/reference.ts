/**
 * Reference keys every subgraph's seed uses to point at another group's entities (P-codes, organisation ids,
 * crossing ids, facility ids). The owning subgraph seeds the entities themselves; the others only use the keys.
 * P-codes are hierarchical: a child's P-code begins with its parent's, so "in a governorate" is a prefix match.
 */

export interface AreaReference {
  pcode: string;
  name: string;
  nameAr: string;
  parent: string | null;
}

export const COUNTRY: AreaReference = { pcode: 'PS', name: 'State of Palestine', nameAr: 'دولة فلسطين', parent: null };
export const GAZA_STRIP: AreaReference = { pcode: 'PS02', name: 'Gaza Strip', nameAr: 'قطاع غزة', parent: 'PS' };

/** The five governorates [R]: COD-AB P-codes, names and ISO 3166-2 codes. */
export const GOVERNORATES = [
  { pcode: 'PS0255', name: 'North Gaza', nameAr: 'شمال غزة', iso3166_2: 'PS-NGZ', parent: 'PS02' },
  { pcode: 'PS0260', name: 'Gaza', nameAr: 'غزة', iso3166_2: 'PS-GZA', parent: 'PS02' },
  { pcode: 'PS0265', name: 'Deir Al-Balah', nameAr: 'دير البلح', iso3166_2: 'PS-DEB', parent: 'PS02' },
  { pcode: 'PS0270', name: 'Khan Younis', nameAr: 'خان يونس', iso3166_2: 'PS-KYS', parent: 'PS02' },
  { pcode: 'PS0275', name: 'Rafah', nameAr: 'رفح', iso3166_2: 'PS-RFH', parent: 'PS02' },
] as const;

/** Localities: real names; the two-digit suffixes of their P-codes are illustrative. */
export const LOCALITIES: readonly AreaReference[] = [
  { pcode: 'PS025501', name: 'Beit Hanoun', nameAr: 'بيت حانون', parent: 'PS0255' },
  { pcode: 'PS025502', name: 'Beit Lahia', nameAr: 'بيت لاهيا', parent: 'PS0255' },
  { pcode: 'PS025503', name: 'Jabalia Camp', nameAr: 'مخيم جباليا', parent: 'PS0255' },
  { pcode: 'PS026001', name: 'Gaza City', nameAr: 'مدينة غزة', parent: 'PS0260' },
  { pcode: 'PS026002', name: 'Ash-Shati Camp', nameAr: 'مخيم الشاطئ', parent: 'PS0260' },
  { pcode: 'PS026501', name: 'Nuseirat', nameAr: 'النصيرات', parent: 'PS0265' },
  { pcode: 'PS026502', name: 'Bureij', nameAr: 'البريج', parent: 'PS0265' },
  { pcode: 'PS026503', name: 'Maghazi', nameAr: 'المغازي', parent: 'PS0265' },
  { pcode: 'PS026504', name: 'Deir al-Balah', nameAr: 'دير البلح', parent: 'PS0265' },
  { pcode: 'PS026505', name: 'Az-Zawayda', nameAr: 'الزوايدة', parent: 'PS0265' },
  { pcode: 'PS027001', name: 'Khan Younis', nameAr: 'خان يونس', parent: 'PS0270' },
  { pcode: 'PS027002', name: 'Bani Suhaila', nameAr: 'بني سهيلا', parent: 'PS0270' },
  { pcode: 'PS027003', name: "Khuza'a", nameAr: 'خزاعة', parent: 'PS0270' },
  { pcode: 'PS027004', name: 'Al-Mawasi', nameAr: 'المواصي', parent: 'PS0270' },
  { pcode: 'PS027005', name: 'Abasan al-Kabira', nameAr: 'عبسان الكبيرة', parent: 'PS0270' },
  { pcode: 'PS027501', name: 'Rafah', nameAr: 'رفح', parent: 'PS0275' },
  { pcode: 'PS027502', name: 'Tal as-Sultan', nameAr: 'تل السلطان', parent: 'PS0275' },
];

export const GOVERNORATE_PCODES = GOVERNORATES.map((g) => g.pcode);
export const LOCALITY_PCODES = LOCALITIES.map((l) => l.pcode);

/** Organisations [R]: IATI ids, and local `XI-CMCC-*` ids for those without one. */
export const ORGANIZATIONS = [
  { id: 'XM-DAC-41140', name: 'World Food Programme', acronym: 'WFP', type: 'UN_AGENCY' },
  { id: 'XM-DAC-41122', name: "United Nations Children's Fund", acronym: 'UNICEF', type: 'UN_AGENCY' },
  { id: 'XM-DAC-41130', name: 'United Nations Relief and Works Agency for Palestine Refugees', acronym: 'UNRWA', type: 'UN_AGENCY' },
  { id: 'XM-DAC-928', name: 'World Health Organization', acronym: 'WHO', type: 'UN_AGENCY' },
  { id: 'XM-DAC-41127', name: 'UN Office for the Coordination of Humanitarian Affairs', acronym: 'OCHA', type: 'UN_AGENCY' },
  { id: 'XM-DAC-47066', name: 'International Organization for Migration', acronym: 'IOM', type: 'UN_AGENCY' },
  { id: 'XM-DAC-41114', name: 'United Nations Development Programme', acronym: 'UNDP', type: 'UN_AGENCY' },
  { id: 'XM-DAC-41121', name: 'UN High Commissioner for Refugees', acronym: 'UNHCR', type: 'UN_AGENCY' },
  { id: 'XI-CMCC-ICRC', name: 'International Committee of the Red Cross', acronym: 'ICRC', type: 'RED_CROSS_RED_CRESCENT' },
  { id: 'XI-CMCC-PRCS', name: 'Palestine Red Crescent Society', acronym: 'PRCS', type: 'RED_CROSS_RED_CRESCENT' },
] as const;

export const ORGANIZATION_IDS = ORGANIZATIONS.map((o) => o.id);

/** Crossings into Gaza [R]: one crossing, one id (Zikim is also called "Erez West"; EREZ_WEST is no id). */
export const CROSSING_IDS = ['KEREM_SHALOM', 'KISSUFIM', 'ZIKIM', 'EREZ', 'RAFAH'] as const;

/** Synthetic convoy ids `CONVOY-0001` ... owned by humanitarian; security's incidents refer to them. */
export const CONVOY_COUNT = 120;
export function convoyId(n: number): string {
  return `CONVOY-${String(n).padStart(4, '0')}`;
}

/** Hospitals [R count: WHO lists 36 in Gaza] get ids `FAC-HOSPITAL-001` ... `-036`, owned by engineering. */
export const HOSPITAL_COUNT = 36;
export function hospitalId(n: number): string {
  return `FAC-HOSPITAL-${String(n).padStart(3, '0')}`;
}

/** Synthetic incidents `INC-0001` ... owned by security. */
export function incidentId(n: number): string {
  return `INC-${String(n).padStart(4, '0')}`;
}

/** The start of the synthetic operations picture: the ceasefire of 10 Oct 2025. Fixed, so seeds never drift. */
export const SYNTHETIC_EPOCH = new Date('2025-10-10T00:00:00Z');
/** Days of synthetic daily records from the epoch (to 31 Dec 2025). */
export const SYNTHETIC_DAYS = 83;

/** Every P-code of the CMCC area list, for checking references in imports. */
export const KNOWN_PCODES: ReadonlySet<string> = new Set([COUNTRY.pcode, GAZA_STRIP.pcode, ...GOVERNORATE_PCODES, ...LOCALITY_PCODES]);
