// Apache Kafka 4.1 broker, KRaft, one node (broker + controller), from Maven Central jars
// (infra/kafka/pom.xml). Topics come from one declarative list: infra/kafka/topics.json.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  InfraError,
  ROOT,
  assertPortsFree,
  ensureDir,
  hashFiles,
  log,
  requireTool,
  run,
  runningPid,
  sleep,
  startBackground,
  stampOk,
  waitHealthy,
  withProgress,
  writeStamp,
} from './common.mjs';

const NAME = 'kafka';
const dir = join(ROOT, 'infra', 'kafka');

export function kafkaLibDir(s) {
  return join(s.cacheDir, `kafka-libs-${hashFiles([join(dir, 'pom.xml')])}`);
}

/** The declarative topic list with defaults applied. */
export function topicSpecs() {
  const spec = JSON.parse(readFileSync(join(dir, 'topics.json'), 'utf8'));
  return spec.topics.map((t) => ({
    topic: t.name,
    numPartitions: t.partitions ?? spec.defaults.partitions,
    replicationFactor: 1,
    configEntries: Object.entries({ ...spec.defaults.config, ...(t.config ?? {}) }).map(
      ([name, value]) => ({ name, value: String(value) }),
    ),
  }));
}

function javaCommand(s, mainClass, args, heap) {
  const java = requireTool(
    'java',
    'Install a Java 17+ runtime (apt-get install openjdk-17-jre-headless).',
  );
  return [
    java,
    [
      '-Xms64m',
      `-Xmx${heap === 'small' ? '256m' : s.kafka.heap}`,
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
      `-Dkafka.logs.dir=${join(s.kafka.dataDir, 'logs')}`,
      '-cp',
      `${kafkaLibDir(s)}/*`,
      mainClass,
      ...args,
    ],
  ];
}

const RETRIABLE = new Set([
  'NOT_LEADER_FOR_PARTITION',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
]);

async function waitUntilServable(admin, topics, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (const topic of topics) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (err) {
        if (!RETRIABLE.has(err.type) || Date.now() > deadline) throw err;
        await sleep(20);
      }
    }
  }
}

export const kafka = {
  name: NAME,
  external: (s) => s.kafka.external,
  brokers: (s) => (s.kafka.external ?? `${s.host}:${s.kafka.port}`).split(','),

  async install(s) {
    const libs = kafkaLibDir(s);
    const stamp = join(libs, '.installed');
    if (stampOk(stamp, 'ok')) return false;
    const mvn = requireTool('mvn', 'Install Apache Maven (apt-get install maven).');
    requireTool('java', 'Install a Java 17+ runtime (apt-get install openjdk-17-jre-headless).');
    await withProgress(NAME, 'fetching Kafka jars from Maven Central (first run only)', () =>
      run(mvn, [
        '-B',
        '-q',
        '-f',
        join(dir, 'pom.xml'),
        'dependency:copy-dependencies',
        `-DoutputDirectory=${libs}`,
      ]),
    );
    if (!readdirSync(libs).some((f) => f.startsWith('kafka_2.13'))) {
      throw new InfraError(`kafka: Maven finished but no kafka_2.13 jar is in ${libs}`);
    }
    writeStamp(stamp, 'ok');
    return true;
  },

  async admin(s) {
    const { Kafka, logLevel } = await import('kafkajs');
    const client = new Kafka({
      clientId: 'trellis-infra',
      brokers: this.brokers(s),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1500,
      retry: { retries: 2, initialRetryTime: 200 },
    });
    return client.admin();
  },

  async healthy(s) {
    const admin = await this.admin(s);
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 && cluster.controller !== null;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },

  /** Creates every topic of topics.json that is missing and waits until each has a leader. */
  async ensureTopics(s) {
    const specs = topicSpecs();
    const admin = await this.admin(s);
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((t) => !existing.has(t.topic));
      if (missing.length) {
        await admin.createTopics({ topics: missing, waitForLeaders: true });
        log(NAME, `created topics: ${missing.map((t) => t.topic).join(', ')}`);
      }
      // Right after creation KRaft may still answer "not the leader" for a new partition for
      // some tens of ms, although metadata shows a leader: poll offsets until each answers.
      await waitUntilServable(
        admin,
        specs.map((t) => t.topic),
      );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },

  async start(s) {
    if (runningPid(s, NAME) && (await this.healthy(s).catch(() => false)))
      return runningPid(s, NAME);
    await assertPortsFree(s, NAME, [
      ['TRELLIS_KAFKA_PORT', s.kafka.port],
      ['TRELLIS_KAFKA_CONTROLLER_PORT', s.kafka.controllerPort],
    ]);
    ensureDir(s.kafka.dataDir);
    const props = join(s.kafka.dataDir, 'server.properties');
    const text = readFileSync(join(dir, 'server.properties.template'), 'utf8')
      .replaceAll('${KAFKA_PORT}', String(s.kafka.port))
      .replaceAll('${KAFKA_CONTROLLER_PORT}', String(s.kafka.controllerPort))
      .replaceAll('${KAFKA_DATA_DIR}', s.kafka.dataDir);
    writeFileSync(props, text);
    if (!existsSync(join(s.kafka.dataDir, 'kraft-logs', 'meta.properties'))) {
      const [cmd, args] = javaCommand(
        s,
        'kafka.tools.StorageTool',
        ['format', '--standalone', `--cluster-id=${kafkaClusterId()}`, '-c', props],
        'small',
      );
      await withProgress(NAME, 'formatting KRaft storage', () => run(cmd, args));
    }
    const [cmd, args] = javaCommand(s, 'kafka.Kafka', [props], 'server');
    const pid = startBackground(s, NAME, cmd, args);
    await waitHealthy(s, NAME, pid, () => this.healthy(s), s.startTimeoutMs);
    return pid;
  },
};

/**
 * A random KRaft cluster id: 16 bytes in base64url, like Kafka's `Uuid.randomUuid()`, which
 * also draws again when the text starts with '-' (the storage tool would read it as an option:
 * one format in 64 failed with "--cluster-id expected one argument").
 */
export function kafkaClusterId(random = () => randomBytes(16)) {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
