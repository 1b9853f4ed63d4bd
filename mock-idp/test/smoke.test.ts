import { test, expect } from 'vitest';
test('runs on node 22', () => { expect(process.versions.node.split('.')[0]).toBe('22'); });
