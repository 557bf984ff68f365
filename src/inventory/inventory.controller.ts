import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateAssetDto, ListAssetsQuery, PatchAssetDto } from './dto/asset.dto';
import { assetView, InventoryService, type AssetView, type Page } from './inventory.service';

/** R-SCOPE-1: the devices and VMs of the shared platform (CMDB). */
@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/assets')
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @ApiOperation({ summary: 'Register a device or VM (admin, operator)' })
  @Post()
  async create(@Body() body: CreateAssetDto): Promise<AssetView> {
    return assetView(await this.inventory.create(body));
  }

  @ApiOperation({ summary: 'List assets, filtered by q (hostname or business system), kind, subPlatform, departmentId' })
  @Get()
  async list(@Query() query: ListAssetsQuery): Promise<Page<AssetView>> {
    const page = await this.inventory.list(query);
    return { ...page, items: page.items.map(assetView) };
  }

  @ApiOperation({ summary: 'One asset' })
  @Get(':id')
  async get(@Param('id') id: string): Promise<AssetView> {
    return assetView(await this.inventory.get(id));
  }

  @ApiOperation({ summary: 'Change some fields of an asset (admin, operator)' })
  @Patch(':id')
  async patch(@Param('id') id: string, @Body() body: PatchAssetDto): Promise<AssetView> {
    return assetView(await this.inventory.patch(id, body));
  }
}
