import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { AuditEntity } from './audit-entry.entity';
import { AuditService } from './audit.service';
import { AuditPageView } from './audit.views';
import { ApiErrors } from '../common/error.views';
import { Endpoint } from '../openapi/endpoint';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['venue', 'card', 'terminal'] })
  @IsOptional() @IsIn(['venue', 'card', 'terminal'])
  entity?: AuditEntity;

  @ApiPropertyOptional({ description: 'venue code, card number or terminal id' })
  @IsOptional() @IsString() @MaxLength(36)
  key?: string;
}

@ApiTags('venues')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Endpoint('listAuditEntries', 'Who changed what, when, before and after, for every venue, card and terminal change')
  @ApiOkResponse({ type: AuditPageView })
  @ApiErrors([400])
  list(@Query() query: AuditQuery) {
    return this.audit.list(query);
  }
}
