/**
 * A real full disk for tests (a size-limited tmpfs, root only): the durability harness's own
 * implementation, so the test and the harness fill a disk the same way.
 */
export { mountSmallDisk, type FullDisk } from '../../tools/durability/tmpfs';
