import { Module } from '@nestjs/common';

/** The web console for editing the whitelist, served at GET /admin. */
@Module({})
export class AdminModule {}
