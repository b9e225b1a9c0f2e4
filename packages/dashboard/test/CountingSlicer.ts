import { Slicer } from '../src/api/Slicer';

/** A slicer that yields at every look at the clock (budget 0), counting its yields. */
export class CountingSlicer extends Slicer {
  yields = 0;
  constructor() {
    super(0);
  }
  override async yield(): Promise<void> {
    this.yields++;
    await super.yield();
  }
}
