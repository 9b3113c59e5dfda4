import { Global, Module } from '@nestjs/common';
import { PRICING, TapPricing } from '../taps/pricing';
import { FREE_PRICER, plainWeekday } from '../taps/tap-decision';

const pricing: TapPricing = { pricer: FREE_PRICER, openingWeekday: plainWeekday };

@Global()
@Module({ providers: [{ provide: PRICING, useValue: pricing }], exports: [PRICING] })
export class FaresModule {}
