import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import type { TemporalConfig } from '../config/app-config';
import { temporalClientInterceptors } from '../observability/tracing';

export function temporalTls(config: TemporalConfig): ConnectionOptions['tls'] {
  if (!config.tls) return undefined;
  const { serverName, clientCertPath, clientKeyPath, serverRootCaPath } = config.tls;
  return {
    serverNameOverride: serverName,
    serverRootCACertificate: serverRootCaPath ? readFileSync(serverRootCaPath) : undefined,
    clientCertPair: clientCertPath && clientKeyPath ? { crt: readFileSync(clientCertPath), key: readFileSync(clientKeyPath) } : undefined,
  };
}

export async function connectTemporalClient(config: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect({ address: config.address, tls: temporalTls(config) });
  // With tracing on (OTEL_EXPORTER_OTLP_ENDPOINT / OPSDESK_TRACING=1), starts and updates carry the trace context.
  return new Client({ connection, namespace: config.namespace, interceptors: temporalClientInterceptors() });
}
