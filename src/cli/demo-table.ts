/** The table `bqread emulator --demo` and `bqread demo` serve. */
export const DEMO_TABLE = 'bqread-demo.samples.all_types';
