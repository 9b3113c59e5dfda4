/**
 * The floor of `npm run bench`: the least a NestJS 11 + Fastify service can do for a validated
 * POST — one controller, one class-validator DTO, the global ValidationPipe with the service's
 * options (whitelist, forbidNonWhitelisted, transform), no logging, no guard, no database.
 * Run as its own process: `PORT=3100 node -r @swc-node/register test/bench/floor-app.ts`.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

class FloorTapDto {
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/)
  tapId: string;

  @Matches(/^[A-Z0-9]{9}$/)
  cardNumber: string;

  @IsIn(['ENTRY', 'EXIT', 'RIDE'])
  action: string;

  @IsString()
  occurredAt: string;

  @IsInt() @Min(0) @Max(100_000)
  amountFen: number;
}

@Controller()
class FloorController {
  @Post('floor')
  @HttpCode(200)
  accept(@Body() dto: FloorTapDto): { tapId: string; accepted: true } {
    return { tapId: dto.tapId, accepted: true };
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

/** The body the bench posts to the floor: the shape of a tap, so both validate similar work. */
export const FLOOR_BODY = JSON.stringify({
  tapId: 'FLOOR-000001',
  cardNumber: 'B00000001',
  action: 'ENTRY',
  occurredAt: '2025-06-03T09:00:00+08:00',
  amountFen: 300,
});

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(FloorModule, new FastifyAdapter(), { logger: ['error'] });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(Number(process.env.PORT ?? 3100), '127.0.0.1');
}

if (require.main === module) void main();
