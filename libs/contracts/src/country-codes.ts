import { z } from 'zod';

/**
 * Every officially assigned ISO 3166-1 alpha-2 country code (249 codes), sorted. Reserved,
 * withdrawn and user-assigned codes (`XK`, `EU`, `UK`, `XX`, ...) are not in the list, so a
 * desk cannot cover, and an organisation cannot be registered in, a country that does not exist.
 */
// prettier-ignore
export const COUNTRY_CODES = [
  'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ',
  'BA', 'BB', 'BD', 'BE', 'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS',
  'BT', 'BV', 'BW', 'BY', 'BZ',
  'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW',
  'CX', 'CY', 'CZ',
  'DE', 'DJ', 'DK', 'DM', 'DO', 'DZ',
  'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET',
  'FI', 'FJ', 'FK', 'FM', 'FO', 'FR',
  'GA', 'GB', 'GD', 'GE', 'GF', 'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GS', 'GT',
  'GU', 'GW', 'GY',
  'HK', 'HM', 'HN', 'HR', 'HT', 'HU',
  'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR', 'IS', 'IT',
  'JE', 'JM', 'JO', 'JP',
  'KE', 'KG', 'KH', 'KI', 'KM', 'KN', 'KP', 'KR', 'KW', 'KY', 'KZ',
  'LA', 'LB', 'LC', 'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY',
  'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK', 'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS',
  'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ',
  'NA', 'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ',
  'OM',
  'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM', 'PN', 'PR', 'PS', 'PT', 'PW', 'PY',
  'QA',
  'RE', 'RO', 'RS', 'RU', 'RW',
  'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI', 'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS',
  'ST', 'SV', 'SX', 'SY', 'SZ',
  'TC', 'TD', 'TF', 'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TW', 'TZ',
  'UA', 'UG', 'UM', 'US', 'UY', 'UZ',
  'VA', 'VC', 'VE', 'VG', 'VI', 'VN', 'VU',
  'WF', 'WS',
  'YE', 'YT',
  'ZA', 'ZM', 'ZW',
] as const;

/** An assigned ISO 3166-1 alpha-2 country code. */
export type CountryCode = (typeof COUNTRY_CODES)[number];

const countrySet: ReadonlySet<string> = new Set(COUNTRY_CODES);

/** True when `value` is an assigned ISO 3166-1 alpha-2 code (uppercase). */
export function isCountryCode(value: unknown): value is CountryCode {
  return typeof value === 'string' && countrySet.has(value);
}

/**
 * An assigned ISO 3166-1 alpha-2 country code, uppercase (`CO`, `KE`). Lowercase input and
 * unassigned codes such as `XX` are rejected, not corrected.
 */
export const CountryCodeSchema = z.enum(COUNTRY_CODES, {
  error: (issue) =>
    typeof issue.input === 'string' &&
    /^[a-z]{2}$/i.test(issue.input) &&
    !/^[A-Z]{2}$/.test(issue.input)
      ? 'must be an uppercase ISO 3166-1 alpha-2 country code'
      : 'must be an assigned ISO 3166-1 alpha-2 country code',
});

/**
 * A region of a country as an ISO 3166-2 subdivision code (`CO-ANT`, `KE-30`). Regions are the
 * finest location any event carries: structured codes, never free text.
 */
export const RegionCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, 'must be an ISO 3166-2 subdivision code such as CO-ANT')
  .refine((v) => isCountryCode(v.slice(0, 2)), 'must start with an assigned country code');

/** True when the ISO 3166-2 `region` lies in `country` (its prefix is the country code). */
export function regionBelongsToCountry(region: string, country: string): boolean {
  return region.slice(0, 2) === country;
}
