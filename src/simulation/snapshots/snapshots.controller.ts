import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { GZIP_BODY } from '../../common/body-parsing';
import { ApiErrors } from '../../common/error.views';
import { Endpoint } from '../../openapi/endpoint';
import { DomainError, ErrorCode, validationFailed } from '../../common/errors';
import { PageQuery } from '../../common/pagination';
import { SaveSnapshotDto, SnapshotPageView, SnapshotView } from '../dto/simulation.dto';
import { SNAPSHOT_FILE_LIMIT_BYTES, SNAPSHOT_NAME, SnapshotInfo, SnapshotsService } from './snapshots.service';

const NAME_PARAM = { name: 'name', example: 'fixture-1', description: 'the snapshot: 1 to 64 of A-Z, a-z, 0-9, ".", "_" and "-"' };

function checkName(name: string): string {
  if (!SNAPSHOT_NAME.test(name)) {
    throw validationFailed([{ field: 'name', constraint: 'pattern', message: 'name must be 1 to 64 of A-Z, a-z, 0-9, ".", "_" and "-"' }]);
  }
  return name;
}

/** Saved states of the whole service, to restore before each test or share as a file (SPEC §6). */
@ApiTags('simulation')
@Controller('sim/snapshots')
export class SnapshotsController {
  constructor(private readonly snapshots: SnapshotsService) {}

  @Post()
  @Endpoint('saveSnapshot', 'Save the whole state (cards, venues, terminals, taps, journeys, loans, ledger, audit, versions, clock) under a name')
  @ApiCreatedResponse({ type: SnapshotView })
  @ApiErrors([400, 409], { 409: { SNAPSHOT_EXISTS: 'a snapshot of that name exists' } })
  save(@Body() dto: SaveSnapshotDto): Promise<SnapshotInfo> {
    return this.snapshots.save(dto.name);
  }

  @Get()
  @Endpoint('listSnapshots', 'The saved snapshots, by name')
  @ApiOkResponse({ type: SnapshotPageView })
  @ApiErrors([400])
  list(@Query() query: PageQuery) {
    return this.snapshots.list(query.limit ?? 50, query.cursor);
  }

  @Post(':name/restore')
  @HttpCode(200)
  @ApiParam(NAME_PARAM)
  @Endpoint('restoreSnapshot', 'Put the saved state back, all or nothing, in one transaction; every version moves on and faults are cleared')
  @ApiOkResponse({ type: SnapshotView })
  @ApiErrors([400, 404, 409], { 409: { SNAPSHOT_OUTDATED: 'saved under another database schema (an older release); nothing restored' } })
  restore(@Param('name') name: string): Promise<SnapshotInfo> {
    return this.snapshots.restore(checkName(name));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiParam(NAME_PARAM)
  @Endpoint('deleteSnapshot', 'Delete a snapshot')
  @ApiNoContentResponse()
  @ApiErrors([400, 404])
  async remove(@Param('name') name: string): Promise<void> {
    await this.snapshots.remove(checkName(name));
  }

  @Get(':name/file')
  @ApiParam(NAME_PARAM)
  @Endpoint('downloadSnapshot', 'Download a snapshot as a file: one gzip-compressed JSON document, versioned by schema')
  @ApiOkResponse({
    content: { 'application/gzip': { schema: { type: 'string', format: 'binary' } } },
    headers: { 'Content-Disposition': { description: 'attachment; filename="<name>.snapshot.json.gz"', schema: { type: 'string' } } },
  })
  @ApiErrors([400, 404])
  async download(@Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const file = await this.snapshots.download(checkName(name));
    void reply.header('content-type', 'application/gzip');
    void reply.header('content-disposition', `attachment; filename="${name}.snapshot.json.gz"`);
    return file;
  }

  @Put(':name/file')
  @RouteConfig({ bodyLimit: SNAPSHOT_FILE_LIMIT_BYTES, ...GZIP_BODY })
  @ApiParam(NAME_PARAM)
  @Endpoint('uploadSnapshot', 'Upload a snapshot file (replacing a snapshot of that name); checked whole, a bad file changes nothing')
  @ApiConsumes('application/gzip')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: SnapshotView })
  @ApiErrors([400, 413, 415])
  upload(@Param('name') name: string, @Body() file: unknown): Promise<SnapshotInfo> {
    checkName(name);
    if (!Buffer.isBuffer(file)) throw new DomainError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'This endpoint reads bodies as application/gzip only');
    return this.snapshots.upload(name, file);
  }
}
