// The kernel's LRU node lists (kernel/bpf/bpf_lru_list.c) for the LRU hash maps, as seen from
// one CPU (CPU 0): global active/inactive/free lists with a reference bit, CPU 0's local free and
// pending lists, batch refills of target_free nodes, rotation and shrinking of nr_scans nodes,
// and the per-CPU variant (BPF_F_NO_COMMON_LRU). The algorithm follows the kernel's description
// and was checked against this machine's kernel (tests/maps); other CPUs' lists are never used.

import { LRU_LOCAL_FREE_TARGET, LRU_LOOK_CYCLES, LRU_MOVE_CYCLES, lruPerCpuNodes, lruTargetFree } from '../../isa/hashmap.js';

export { hostPossibleCpus } from '../../isa/hashmap.js';

export const ListType = { ACTIVE: 0, INACTIVE: 1, FREE: 2, LOCAL_FREE: 3, LOCAL_PENDING: 4 } as const;
type ListTypeId = (typeof ListType)[keyof typeof ListType];

/** LOCAL_FREE_TARGET (also LOCAL_NR_SCANS) and PERCPU_FREE_TARGET (also PERCPU_NR_SCANS) */
const LOCAL_FREE_TARGET = LRU_LOCAL_FREE_TARGET;
const PERCPU_FREE_TARGET = 4;

export interface LruNode {
  /** the key of the hash entry that holds the node (undefined while free) */
  key?: string;
  ref: boolean;
  type: ListTypeId;
  prev: LruNode;
  next: LruNode;
}

function sentinel(type: ListTypeId): LruNode {
  const n = { ref: false, type } as LruNode;
  n.prev = n.next = n;
  return n;
}

/** list_move(node, head): unlink and insert right after the head. */
function moveTo(node: LruNode, head: LruNode): void {
  node.prev.next = node.next;
  node.next.prev = node.prev;
  node.next = head.next;
  node.prev = head;
  head.next.prev = node;
  head.next = node;
}


/** Removes a node's hash entry (the map's del_from_htab); false if it has none. */
export type Evict = (node: LruNode) => boolean;

export class KernelLru {
  private readonly lists = [sentinel(ListType.ACTIVE), sentinel(ListType.INACTIVE), sentinel(ListType.FREE)];
  private readonly localFree = sentinel(ListType.LOCAL_FREE);
  private readonly localPending = sentinel(ListType.LOCAL_PENDING);
  private readonly counts = [0, 0];
  private nextInactiveRotation: LruNode;
  private readonly targetFree: number;
  /** nodes a rotation or shrink looks at */
  private readonly nrScans: number;
  /**
   * Free nodes never used, at the tail of the free list (nodes are taken from its head and
   * freed nodes pushed there, so the untouched ones stay at the tail): created when first taken,
   * so a map of millions of entries costs what it holds.
   */
  private unborn: number;
  /**
   * Cycles the RTL hash unit's LRU engine spent on the last popFree (isa/hashmap.ts:
   * a step that looks only at list heads 1, one that reads a node LRU_LOOK_CYCLES, one that moves
   * a node LRU_MOVE_CYCLES): counted here, where the decisions are made.
   */
  ticks = 0;

  /**
   * `nodes` preallocated nodes (max_entries; per-CPU: rounded up to a multiple of the CPU count);
   * `possibleCpus` as the kernel's num_possible_cpus().
   */
  constructor(nodes: number, possibleCpus: number, private readonly evict: Evict, readonly perCpu = false) {
    this.nextInactiveRotation = this.lists[ListType.INACTIVE];
    this.unborn = perCpu ? lruPerCpuNodes(nodes, possibleCpus) : nodes;
    this.nrScans = perCpu ? PERCPU_FREE_TARGET : LOCAL_FREE_TARGET;
    this.targetFree = lruTargetFree(nodes, possibleCpus);
  }

  /** bpf_lru_node_set_ref: a program's lookup. */
  setRef(node: LruNode): void {
    node.ref = true;
  }

  /** bpf_lru_pop_free: a free node for a new element (evicting others if needed), or undefined. */
  popFree(): LruNode | undefined {
    return this.perCpu ? this.popFreePerCpu() : this.popFreeCommon();
  }

  /** bpf_lru_push_free: a node whose element is gone. */
  pushFree(node: LruNode): void {
    node.key = undefined;
    if (!this.perCpu && node.type === ListType.LOCAL_PENDING) {
      node.type = ListType.LOCAL_FREE;
      node.ref = false;
      moveTo(node, this.localFree);
      return;
    }
    this.move(node, ListType.FREE);
  }

  private popFreeCommon(): LruNode | undefined {
    this.ticks = 1; // the engine's first state (local free list empty?)
    let node = this.first(this.localFree);
    if (!node) {
      this.popFreeToLocal();
      node = this.first(this.localFree);
    }
    this.ticks += node ? LRU_MOVE_CYCLES : 1; // the take: the node to the local pending list
    if (!node) return undefined;
    node.type = ListType.LOCAL_PENDING;
    node.ref = false;
    moveTo(node, this.localPending);
    return node;
  }

  private popFreePerCpu(): LruNode | undefined {
    this.ticks = 1; // the engine's first state: the rotation's choice
    this.rotate();
    const free = this.lists[ListType.FREE];
    this.bear(1);
    this.ticks++; // the free list empty?
    if (free.next === free) this.shrink(PERCPU_FREE_TARGET, free, ListType.FREE);
    const node = this.first(free);
    this.ticks += node ? LRU_MOVE_CYCLES : 1; // the take: the node to the inactive list
    if (node) {
      node.ref = false;
      this.move(node, ListType.INACTIVE);
    }
    return node;
  }

  /** Makes sure the free list holds `want` nodes where it can, creating unborn ones at its tail. */
  private bear(want: number): void {
    const free = this.lists[ListType.FREE];
    let have = 0;
    for (let n = free.next; n !== free && have < want; n = n.next) have++;
    for (; have < want && this.unborn > 0; have++, this.unborn--) moveTo(sentinel(ListType.FREE), free.prev);
  }

  private first(head: LruNode): LruNode | undefined {
    return head.next === head ? undefined : head.next;
  }

  private popFreeToLocal(): void {
    // __local_list_flush: pending nodes, oldest first, into the global lists
    for (let n = this.localPending.prev; n !== this.localPending; ) {
      const prev = n.prev;
      this.moveIn(n, n.ref ? ListType.ACTIVE : ListType.INACTIVE);
      this.ticks += LRU_MOVE_CYCLES;
      n = prev;
    }
    this.ticks += 2; // the flush's end (pending empty) and the rotation's choice
    this.rotate();
    let nfree = 0;
    const free = this.lists[ListType.FREE];
    this.bear(this.targetFree);
    for (let n = free.next; n !== free && nfree < this.targetFree; ) {
      const next = n.next;
      this.moveToFree(n, this.localFree, ListType.LOCAL_FREE);
      nfree++;
      n = next;
    }
    this.ticks += nfree * LRU_MOVE_CYCLES + 1;
    if (nfree < this.targetFree) this.shrink(this.targetFree - nfree, this.localFree, ListType.LOCAL_FREE);
  }

  private count(t: ListTypeId, d: number): void {
    if (t === ListType.ACTIVE || t === ListType.INACTIVE) this.counts[t] += d;
  }

  /** __bpf_lru_node_move: to the head of a global list, reference cleared. */
  private move(node: LruNode, t: ListTypeId): void {
    if (node.type !== t) {
      this.count(node.type, -1);
      this.count(t, +1);
      node.type = t;
    }
    node.ref = false;
    if (node === this.nextInactiveRotation) this.nextInactiveRotation = node.prev;
    moveTo(node, this.lists[t]);
  }

  /** __bpf_lru_node_move_in: from a local list into a global one. */
  private moveIn(node: LruNode, t: ListTypeId): void {
    this.count(t, +1);
    node.type = t;
    node.ref = false;
    moveTo(node, this.lists[t]);
  }

  private moveToFree(node: LruNode, head: LruNode, t: ListTypeId): void {
    if (node === this.nextInactiveRotation) this.nextInactiveRotation = node.prev;
    this.count(node.type, -1);
    node.type = t;
    node.key = undefined;
    moveTo(node, head);
  }

  private rotate(): void {
    if (this.counts[ListType.INACTIVE] < this.counts[ListType.ACTIVE]) this.rotateActive();
    this.rotateInactive();
  }

  private rotateActive(): void {
    const active = this.lists[ListType.ACTIVE];
    const first = active.next;
    if (first === active) this.ticks++;
    let i = 0;
    for (let n = active.prev; n !== active; ) {
      const prev = n.prev;
      this.ticks += LRU_MOVE_CYCLES;
      this.move(n, n.ref ? ListType.ACTIVE : ListType.INACTIVE);
      if (++i === this.nrScans || n === first) break;
      n = prev;
    }
  }

  private rotateInactive(): void {
    const inactive = this.lists[ListType.INACTIVE];
    if (inactive.next === inactive) {
      this.ticks++;
      return;
    }
    this.ticks += LRU_LOOK_CYCLES; // the rotation node's next link read
    let last = this.nextInactiveRotation.next;
    if (last === inactive) last = last.next;
    let cur = this.nextInactiveRotation;
    let next = inactive;
    for (let i = 0; i < this.nrScans; ) {
      if (cur === inactive) {
        this.ticks++;
        cur = cur.prev;
        continue;
      }
      next = cur.prev;
      this.ticks += cur.ref ? LRU_MOVE_CYCLES : LRU_LOOK_CYCLES;
      if (cur.ref) this.move(cur, ListType.ACTIVE);
      if (cur === last) break;
      cur = next;
      i++;
    }
    this.nextInactiveRotation = next;
  }

  /** __bpf_lru_list_shrink: evict up to `want` unreferenced inactive nodes, else force one. */
  private shrink(want: number, freeHead: LruNode, t: ListTypeId): void {
    const inactive = this.lists[ListType.INACTIVE];
    let done = 0, i = 0, ended = true;
    for (let n = inactive.prev; n !== inactive; ) {
      const prev = n.prev;
      this.ticks += LRU_MOVE_CYCLES; // referenced: to the active list; else evicted to the free list
      if (n.ref) this.move(n, ListType.ACTIVE);
      else if (this.evict(n)) {
        this.moveToFree(n, freeHead, t);
        if (++done === want) {
          ended = false;
          break;
        }
      }
      if (++i === this.nrScans) {
        ended = false;
        break;
      }
      n = prev;
    }
    if (ended) this.ticks++; // the walk reached the list's head
    if (done) return;
    const force = inactive.next !== inactive ? inactive : this.lists[ListType.ACTIVE];
    this.ticks += force.next !== force ? LRU_MOVE_CYCLES : 1; // the forced eviction
    for (let n = force.prev; n !== force; n = n.prev) {
      if (this.evict(n)) {
        this.moveToFree(n, freeHead, t);
        return;
      }
    }
  }

  /**
   * The lists as the hardware holds them (the RTL hash unit's image, isa/hashmap.ts): each list's
   * nodes from head to tail ([active, inactive, free, local free, local pending]; the free list's
   * `unborn` nodes not among them, at its tail), the active and inactive counts, and the node the
   * next inactive rotation starts from (undefined: the inactive list's head).
   */
  image(): { lists: LruNode[][]; unborn: number; counts: readonly number[]; rotation: LruNode | undefined } {
    const walk = (h: LruNode) => {
      const out: LruNode[] = [];
      for (let n = h.next; n !== h; n = n.next) out.push(n);
      return out;
    };
    const rot = this.nextInactiveRotation;
    return {
      lists: [...this.lists.map(walk), walk(this.localFree), walk(this.localPending)],
      unborn: this.unborn, counts: [...this.counts], rotation: rot === this.lists[ListType.INACTIVE] ? undefined : rot,
    };
  }

  /** LOCAL_FREE_TARGET nodes of common LRU batches, the target_free of this map. */
  get target(): number {
    return this.targetFree;
  }

  /** Nodes per list, for tests: [active, inactive, free, local free, local pending]. */
  sizes(): number[] {
    const len = (h: LruNode) => {
      let k = 0;
      for (let n = h.next; n !== h; n = n.next) k++;
      return k;
    };
    const [active, inactive, free] = this.lists.map(len);
    return [active, inactive, free + this.unborn, len(this.localFree), len(this.localPending)];
  }
}
