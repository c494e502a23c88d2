import {
  TRU_UNIT_ID,
  type CountryCode,
  type FocusArea,
  type OrganisationSize,
  type Role,
  type Setting,
} from '@trellis/contracts';
import { isGatewayError, type UserSession } from './gateway.client';

/*
 * The demo data set: two Protection Desks, defender organisations inside and outside their
 * scope (the latter routed to the Training and Research Unit), and users for every role. All
 * names and contacts are fictitious (`.example` addresses). Seeding goes through the gateway
 * as an admin and is idempotent: what exists (desks by id, organisations by name, users by
 * username) is found and reused, never duplicated.
 */

/** A Protection Desk of the demo. */
export interface DemoDesk {
  id: string;
  name: string;
  countries: CountryCode[];
}

/** A defender organisation of the demo. */
export interface DemoOrganisation {
  /** Stable key of the demo (also names its defender user). */
  key: string;
  name: string;
  country: CountryCode;
  setting: Setting;
  focusAreas: FocusArea[];
  size: OrganisationSize;
  /** The unit its country routes to: a demo desk, or the TRU. */
  expectedUnitId: string;
}

/** A user of the demo. */
export interface DemoUser {
  username: string;
  roles: Role[];
  unitId?: string;
  /** Defender users: the key of their organisation. */
  organisationKey?: string;
}

/** The desks: Mesoamerica and the Andes, East Africa. */
export const DEMO_DESKS: readonly DemoDesk[] = [
  { id: 'desk-americas', name: 'Americas Desk (demo)', countries: ['CO', 'GT', 'HN'] },
  { id: 'desk-east-africa', name: 'East Africa Desk (demo)', countries: ['KE', 'UG', 'TZ'] },
];

/** Organisations: two per desk, two outside every desk's scope (TRU). */
export const DEMO_ORGANISATIONS: readonly DemoOrganisation[] = [
  {
    key: 'tierra-viva',
    name: 'Tierra Viva Demo Collective',
    country: 'CO',
    setting: 'rural',
    focusAreas: ['land-environment', 'indigenous'],
    size: 'small',
    expectedUnitId: 'desk-americas',
  },
  {
    key: 'voces-libres',
    name: 'Voces Libres Demo Press Network',
    country: 'GT',
    setting: 'urban',
    focusAreas: ['journalism'],
    size: 'medium',
    expectedUnitId: 'desk-americas',
  },
  {
    key: 'rainbow-shield',
    name: 'Rainbow Shield Demo Collective',
    country: 'KE',
    setting: 'urban',
    focusAreas: ['lgbti'],
    size: 'small',
    expectedUnitId: 'desk-east-africa',
  },
  {
    key: 'mama-haki',
    name: 'Mama Haki Demo Women Defenders',
    country: 'UG',
    setting: 'rural',
    focusAreas: ['women-hrd', 'land-environment'],
    size: 'medium',
    expectedUnitId: 'desk-east-africa',
  },
  {
    key: 'himal-rights',
    name: 'Himal Rights Demo Forum',
    country: 'NP',
    setting: 'rural',
    focusAreas: ['indigenous'],
    size: 'small',
    expectedUnitId: TRU_UNIT_ID,
  },
  {
    key: 'isla-verde',
    name: 'Isla Verde Demo Environmental Alliance',
    country: 'PH',
    setting: 'rural',
    focusAreas: ['land-environment'],
    size: 'medium',
    expectedUnitId: TRU_UNIT_ID,
  },
];

const UNITS: ReadonlyArray<{ unitId: string; slug: string }> = [
  { unitId: 'desk-americas', slug: 'americas' },
  { unitId: 'desk-east-africa', slug: 'eastafrica' },
  { unitId: TRU_UNIT_ID, slug: 'tru' },
];

/**
 * The users: a program manager and a protection officer per unit (desks and TRU), an analyst
 * and one defender user per organisation. The admin is the gateway's bootstrap admin.
 */
export const DEMO_USERS: readonly DemoUser[] = [
  ...UNITS.flatMap(({ unitId, slug }): DemoUser[] => [
    { username: `pm.${slug}`, roles: ['program-manager'], unitId },
    { username: `officer.${slug}`, roles: ['protection-officer'], unitId },
  ]),
  { username: 'analyst.demo', roles: ['analyst'] },
  ...DEMO_ORGANISATIONS.map((o): DemoUser => ({
    username: `defender.${o.key}`,
    roles: ['defender'],
    organisationKey: o.key,
  })),
];

/** The password every demo user gets unless `TRELLIS_DEMO_PASSWORD` says otherwise. */
export const DEFAULT_DEMO_PASSWORD = 'trellis-demo-password';

/** The people of the demo engagement (usernames) and their organisation. */
export const SCENARIO_CAST = {
  organisationKey: 'tierra-viva',
  programManager: 'pm.americas',
  officer: 'officer.americas',
  defender: 'defender.tierra-viva',
} as const;

/** What seeding found or created: ids by demo key. */
export interface DemoDirectory {
  desks: Record<string, { id: string; countries: string[] }>;
  organisations: Record<string, { id: string; unitId: string; country: string }>;
  users: Record<string, { id: string; roles: string[]; unitId?: string; organisationId?: string }>;
  /** How many records this run created (0 everywhere on a second run). */
  created: { desks: number; organisations: number; users: number };
}

/** Options of {@link seedDemoData}. */
export interface SeedOptions {
  /** The admin's session (the gateway's bootstrap admin). */
  admin: Pick<UserSession, 'get' | 'post'>;
  /** The password given to new demo users. */
  password: string;
  /** Called once per record found or created (no sensitive data). */
  onProgress?: (line: string) => void;
}

interface DeskView {
  id: string;
  countries: string[];
}

interface OrganisationView {
  id: string;
  unitId: string;
  name: string;
  country: string;
}

interface UserView {
  id: string;
  username: string;
  roles: string[];
  unitId?: string;
  organisationId?: string;
}

/** Raised when existing data contradicts the demo data set (e.g. a country covered elsewhere). */
export class DemoDataConflictError extends Error {
  override readonly name = 'DemoDataConflictError';
}

/**
 * Seeds desks, organisations and users through the gateway as the admin. Idempotent: existing
 * records are looked up first and reused; a concurrent creation (409 DUPLICATE) is tolerated.
 */
export async function seedDemoData(options: SeedOptions): Promise<DemoDirectory> {
  const { admin, password } = options;
  const say = options.onProgress ?? (() => undefined);
  const created = { desks: 0, organisations: 0, users: 0 };

  // Desks, by id.
  const desks: DemoDirectory['desks'] = {};
  const existingDesks = await admin.get<DeskView[]>('/api/engagement/desks', 'list desks');
  for (const desk of DEMO_DESKS) {
    let found = existingDesks.find((d) => d.id === desk.id);
    if (!found) {
      try {
        found = await admin.post<DeskView>('/api/engagement/desks', desk, `create ${desk.id}`);
        created.desks += 1;
      } catch (err) {
        if (isGatewayError(err, 409, 'COUNTRY_ALREADY_COVERED')) {
          throw new DemoDataConflictError(
            `desk ${desk.id}: another desk already covers one of ${desk.countries.join(', ')}; ` +
              'the demo data set needs these countries for its own desks',
          );
        }
        if (!isGatewayError(err, 409, 'DUPLICATE')) throw err;
        found = await admin.get<DeskView>(`/api/engagement/desks/${desk.id}`, `read ${desk.id}`);
      }
    }
    desks[desk.id] = { id: found.id, countries: found.countries };
    say(`desk ${desk.id} (${found.countries.join(', ')})`);
  }

  // Organisations, by name (names are encrypted at rest; the admin reads them decrypted).
  const organisations: DemoDirectory['organisations'] = {};
  const existingOrganisations = await admin.get<OrganisationView[]>(
    '/api/engagement/organisations',
    'list organisations',
  );
  for (const organisation of DEMO_ORGANISATIONS) {
    let found = existingOrganisations.find((o) => o.name === organisation.name);
    if (!found) {
      found = await admin.post<OrganisationView>(
        '/api/engagement/organisations',
        {
          name: organisation.name,
          contacts: [{ kind: 'email', value: `contact@${organisation.key}.example` }],
          country: organisation.country,
          setting: organisation.setting,
          focusAreas: organisation.focusAreas,
          size: organisation.size,
        },
        `register organisation ${organisation.key}`,
      );
      created.organisations += 1;
    }
    organisations[organisation.key] = {
      id: found.id,
      unitId: found.unitId,
      country: found.country,
    };
    say(
      `organisation ${organisation.key} (${found.country}) → ${found.unitId === TRU_UNIT_ID ? 'TRU' : found.unitId}`,
    );
  }

  // Users, by username.
  const users: DemoDirectory['users'] = {};
  let existingUsers = await listUsers(admin);
  for (const user of DEMO_USERS) {
    const organisationId =
      user.organisationKey === undefined ? undefined : organisations[user.organisationKey]?.id;
    let found = existingUsers.find((u) => u.username === user.username);
    if (!found) {
      try {
        found = await admin.post<UserView>(
          '/api/admin/users',
          {
            username: user.username,
            password,
            roles: user.roles,
            ...(user.unitId !== undefined ? { unitId: user.unitId } : {}),
            ...(organisationId !== undefined ? { organisationId } : {}),
          },
          `create user ${user.username}`,
        );
        created.users += 1;
      } catch (err) {
        if (!isGatewayError(err, 409, 'DUPLICATE')) throw err;
        existingUsers = await listUsers(admin);
        found = existingUsers.find((u) => u.username === user.username);
        if (!found) throw err;
      }
    }
    if (organisationId !== undefined && found.organisationId !== organisationId) {
      throw new DemoDataConflictError(
        `user ${user.username} exists but belongs to another organisation than ` +
          `${user.organisationKey ?? ''}; the demo data is inconsistent (reset the databases)`,
      );
    }
    users[user.username] = {
      id: found.id,
      roles: found.roles,
      ...(found.unitId !== undefined ? { unitId: found.unitId } : {}),
      ...(found.organisationId !== undefined ? { organisationId: found.organisationId } : {}),
    };
    say(`user ${user.username} (${user.roles.join(', ')}${user.unitId ? `, ${user.unitId}` : ''})`);
  }

  return { desks, organisations, users, created };
}

/** Every user (`GET /api/admin/users`). */
function listUsers(admin: Pick<UserSession, 'get'>): Promise<UserView[]> {
  return admin.get<UserView[]>('/api/admin/users', 'list users');
}
