/**
 * Every way the developer infrastructure can fail to come up, as one sentence a person can act on:
 * what to install, or which variable to set.
 */
export class InfraError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfraError';
  }
}

/** Hides the password of a connection URL before it goes into a message. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

export const infraErrors = {
  javaMissing: (): InfraError =>
    new InfraError(
      'Java 17+ is needed to run Kafka: install a JDK (apt-get install openjdk-17-jre-headless) or set KAFKA_BROKERS to a running broker.',
    ),
  javaTooOld: (found: number): InfraError =>
    new InfraError(
      `Java 17+ is needed to run Kafka but java ${found} was found: install a newer JDK (apt-get install openjdk-17-jre-headless), point JAVA_HOME at one, or set KAFKA_BROKERS to a running broker.`,
    ),
  mavenMissing: (what: string): InfraError =>
    new InfraError(
      `Maven is needed once to fetch the ${what}: install it (apt-get install maven) or set KAFKA_BROKERS to a running broker.`,
    ),
  mavenFailed: (what: string, reason: string, logFile: string): InfraError =>
    new InfraError(
      `Maven could not fetch the ${what} (${reason}); check network access to Maven Central and the full log in ${logFile}.`,
    ),
  postgresMissing: (): InfraError =>
    new InfraError(
      "PostgreSQL's server binaries (initdb, postgres) are needed: install them (apt-get install postgresql), set PG_BIN to their folder, or set DATABASE_URL to a running server.",
    ),
  postgresUserMissing: (): InfraError =>
    new InfraError(
      'Running as root, Postgres must run as the "postgres" OS user and there is none: create it (useradd --system postgres), run as a normal user, or set DATABASE_URL to a running server.',
    ),
  brokersUnreachable: (brokers: string): InfraError =>
    new InfraError(
      `KAFKA_BROKERS is set to ${brokers} but no Kafka broker answers there: start that broker or unset KAFKA_BROKERS so a private one is started.`,
    ),
  databaseUnreachable: (url: string, reason: string): InfraError =>
    new InfraError(
      `DATABASE_URL is set to ${redactUrl(url)} but no Postgres accepts a connection there (${reason}): start that server or unset DATABASE_URL so a private one is started.`,
    ),
  portTaken: (what: string, port: number, variable: string, alternative: string): InfraError =>
    new InfraError(
      `Port ${port} for ${what} is already taken by another program: set ${variable} to a free port or ${alternative}.`,
    ),
  badPort: (variable: string, value: string): InfraError =>
    new InfraError(
      `${variable} must be a TCP port number (1-65535) but is "${value}": fix or unset it.`,
    ),
  alreadyRunning: (what: string, owner: number, dataDir: string): InfraError =>
    new InfraError(
      `${what} in ${dataDir} is already run by another process (pid ${owner}): stop that one first or use another data directory.`,
    ),
  didNotStart: (what: string, reason: string, logFile: string): InfraError =>
    new InfraError(`${what} did not start (${reason}); its log is ${logFile}.`),
};
