import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min, ValidateIf } from 'class-validator';

const presentNotNull = (_: object, value: unknown) => value !== undefined && value !== null;

/** How a device's agents are reached; null goes back to the default, 0 means "none". */
export class DeviceAgentsDto {
  @ApiPropertyOptional({ description: 'node_exporter port (default 9100 for VMs and servers; 0: none)' })
  @ValidateIf(presentNotNull)
  @IsInt({ message: 'nodeExporterPort must be a port number' })
  @Min(0, { message: 'nodeExporterPort must be 0 to 65535' })
  @Max(65_535, { message: 'nodeExporterPort must be 0 to 65535' })
  readonly nodeExporterPort?: number | null;

  @ApiPropertyOptional({ description: 'mtail port (default 3903 for VMs and servers; 0: none)' })
  @ValidateIf(presentNotNull)
  @IsInt({ message: 'mtailPort must be a port number' })
  @Min(0, { message: 'mtailPort must be 0 to 65535' })
  @Max(65_535, { message: 'mtailPort must be 0 to 65535' })
  readonly mtailPort?: number | null;

  @ApiPropertyOptional({ description: 'SNMP port (default 161)' })
  @ValidateIf(presentNotNull)
  @IsInt({ message: 'snmpPort must be a port number' })
  @Min(1, { message: 'snmpPort must be 1 to 65535' })
  @Max(65_535, { message: 'snmpPort must be 1 to 65535' })
  readonly snmpPort?: number | null;

  @ApiPropertyOptional({ description: 'SNMP v2c community: stored sealed, never shown again; null removes SNMP' })
  @ValidateIf(presentNotNull)
  @IsString({ message: 'snmpCommunity must be a string' })
  @Length(1, 200, { message: 'snmpCommunity must be 1 to 200 characters' })
  readonly snmpCommunity?: string | null;
}
