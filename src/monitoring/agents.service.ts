import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { noteAudit } from '../audit/request-context';
import { invalid, notFound } from '../common/errors';
import type { Actor } from '../identity/current-user';
import { Asset } from '../inventory/asset.entity';
import type { DeviceAgentsDto } from './dto/agents.dto';
import { MonitoringDevice } from './monitoring.entities';
import { AGENT_KINDS, DEFAULT_MTAIL_PORT, DEFAULT_NODE_EXPORTER_PORT, MonitoringService } from './monitoring.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DeviceAgentsView {
  assetId: string;
  hostname: string;
  nodeExporterPort: number | null;
  mtailPort: number | null;
  snmpPort: number | null;
  /** The community itself is never shown. */
  snmpCommunitySet: boolean;
}

/** A device's agents (admins): VM exporters' ports, a switch's SNMP community (sealed). */
@Injectable()
export class AgentsService {
  constructor(
    private readonly em: EntityManager,
    private readonly monitoring: MonitoringService,
  ) {}

  async get(id: string): Promise<DeviceAgentsView> {
    const em = this.em.fork();
    const asset = await this.asset(em, id);
    return this.view(asset, await em.findOne(MonitoringDevice, { assetId: id }));
  }

  async put(actor: Actor, id: string, body: DeviceAgentsDto): Promise<DeviceAgentsView> {
    const em = this.em.fork();
    const asset = await this.asset(em, id);
    let device = await em.findOne(MonitoringDevice, { assetId: id });
    const before = device ? this.view(asset, device) : null;
    device ??= em.create(MonitoringDevice, { assetId: id, updatedBy: actor.username, updatedAt: new Date() });
    if (body.nodeExporterPort !== undefined) device.nodeExporterPort = body.nodeExporterPort;
    if (body.mtailPort !== undefined) device.mtailPort = body.mtailPort;
    if (body.snmpPort !== undefined) device.snmpPort = body.snmpPort;
    if (body.snmpCommunity !== undefined) device.snmpCommunitySealed = body.snmpCommunity === null ? null : this.monitoring.sealer.seal(body.snmpCommunity, `snmp|${id}`);
    device.updatedAt = new Date();
    device.updatedBy = actor.username;
    em.persist(device);
    await em.flush();
    const after = this.view(asset, device);
    noteAudit({ target: `asset:${id}`, change: { before, after } });
    await this.monitoring.syncOnce();
    return after;
  }

  private async asset(em: EntityManager, id: string): Promise<Asset> {
    if (!UUID.test(id)) throw invalid('id', 'id must be an asset id (uuid)');
    const asset = await em.findOne(Asset, { id });
    if (!asset) throw notFound(`Asset ${id}`);
    return asset;
  }

  private view(asset: Asset, device: MonitoringDevice | null): DeviceAgentsView {
    const agents = AGENT_KINDS.includes(asset.kind);
    return {
      assetId: asset.id,
      hostname: asset.hostname,
      nodeExporterPort: device?.nodeExporterPort ?? (agents ? DEFAULT_NODE_EXPORTER_PORT : null),
      mtailPort: device?.mtailPort ?? (agents ? DEFAULT_MTAIL_PORT : null),
      snmpPort: device?.snmpCommunitySealed ? device.snmpPort ?? 161 : null,
      snmpCommunitySet: !!device?.snmpCommunitySealed,
    };
  }
}
