import { Module } from '@nestjs/common';
import { InventoryResolver } from './inventory.resolver';

@Module({ providers: [InventoryResolver] })
export class InventoryModule {}
