// Linux: lib/rbtree.c, include/linux/rbtree.h and include/linux/rbtree_augmented.h.
//
// A red-black tree whose links live inside the objects it orders, as Linux embeds `struct rb_node`
// in `struct vm_area_struct`. The rules, checked by rb_validate() at the end of this file:
//   1. every node is red or black;            3. a red node has no red child;
//   2. the root is black;                     4. every path from a node down to a null link
//                                                passes the same number of black nodes.
// So the longest path is at most twice the shortest, and the height is at most 2*log2(n+1).
//
// The tree may be *augmented*: each node caches a value computed from its subtree (for VMAs,
// rb_subtree_gap, the largest free gap below it). Whoever changes the shape tells the owner of
// that value through three callbacks, as Linux's struct rb_augment_callbacks does:
//   propagate(node, stop)  recompute from `node` up towards the root, stopping at `stop`;
//   copy(old, new)         `new` has taken `old`'s place, so it inherits `old`'s value;
//   rotate(old, new)       `new` has been rotated above `old`: the subtree holds the same nodes,
//                          so `new` inherits `old`'s value and `old` is recomputed.
//
// Linux packs the parent pointer and colour into one word and writes the mirrored cases out twice.
// Here the colour is a field, and a direction ("rb_left" | "rb_right") names the side, so each
// fix-up case is written once.

/** Linux: RB_RED / RB_BLACK. */
export const RB_RED = 0;
export const RB_BLACK = 1;

/** A link field of a node: rotations and fix-ups are written once for a side and its mirror. */
export type rb_dir = "rb_left" | "rb_right";

/** Linux: struct rb_node, embedded in the object it orders (N is that object's type). */
export interface rb_node<N extends rb_node<N>> {
  rb_parent: N | null;
  rb_left: N | null;
  rb_right: N | null;
  /** RB_RED or RB_BLACK. */
  rb_color: number;
}

/** Linux: struct rb_root. */
export interface rb_root<N extends rb_node<N>> {
  rb_node: N | null;
}

/** Linux: struct rb_augment_callbacks (see the top of this file). */
export interface rb_augment_callbacks<N extends rb_node<N>> {
  propagate(node: N | null, stop: N | null): void;
  copy(old: N, new_: N): void;
  rotate(old: N, new_: N): void;
}

/** Linux: lib/rbtree.c dummy_callbacks: for trees that keep no per-subtree value. */
export const rb_no_augment: rb_augment_callbacks<never> = {
  propagate() {},
  copy() {},
  rotate() {},
};

function rb_opposite(dir: rb_dir): rb_dir {
  return dir === "rb_left" ? "rb_right" : "rb_left";
}

function rb_is_black<N extends rb_node<N>>(node: N | null): boolean {
  return node === null || node.rb_color === RB_BLACK;
}

// Linux: rbtree_augmented.h __rb_change_child(): make `parent` (or the root) point at `new_`
// where it pointed at `old`.
function __rb_change_child<N extends rb_node<N>>(old: N, new_: N | null, parent: N | null, root: rb_root<N>): void {
  if (parent === null) root.rb_node = new_;
  else if (parent.rb_left === old) parent.rb_left = new_;
  else parent.rb_right = new_;
}

// Rotate `node` down to its `dir` side: its child on the other side comes up into its place
// (dir "rb_left" is a left rotation). Colours are the caller's business; the augmented values
// are kept by augment.rotate.
function __rb_rotate<N extends rb_node<N>>(node: N, dir: rb_dir, root: rb_root<N>, augment: rb_augment_callbacks<N>): void {
  const other = rb_opposite(dir);
  const up = node[other]!;
  const inner = up[dir];
  node[other] = inner;
  if (inner !== null) inner.rb_parent = node;
  up.rb_parent = node.rb_parent;
  __rb_change_child(node, up, node.rb_parent, root);
  up[dir] = node;
  node.rb_parent = up;
  augment.rotate(node, up);
}

/**
 * Linux: rb_link_node(): hang a new node, red and childless, on `parent`'s `dir` link (or make it
 * the root when `parent` is null). The caller found the spot by an ordered descent; it must then
 * call rb_insert_augmented() (or rb_insert_color()) to restore the colour rules.
 */
export function rb_link_node<N extends rb_node<N>>(root: rb_root<N>, node: N, parent: N | null, dir: rb_dir): void {
  node.rb_parent = parent;
  node.rb_left = null;
  node.rb_right = null;
  node.rb_color = RB_RED;
  if (parent === null) root.rb_node = node;
  else parent[dir] = node;
}

/**
 * Linux: rb_insert_augmented() / __rb_insert(): rebalance after rb_link_node(). The caller must
 * already have set the new node's augmented value and propagated it to the root.
 */
export function rb_insert_augmented<N extends rb_node<N>>(node: N, root: rb_root<N>, augment: rb_augment_callbacks<N>): void {
  // Invariant of the loop: `node` is red, and rule 3 may be broken between it and its parent.
  for (;;) {
    const parent = node.rb_parent;
    if (parent === null) {
      node.rb_color = RB_BLACK; // node is the root: blacken it (rule 2), every path gains one black
      return;
    }
    if (parent.rb_color === RB_BLACK) return;
    const gparent = parent.rb_parent!; // a red parent is never the root
    const side: rb_dir = parent === gparent.rb_left ? "rb_left" : "rb_right";
    const uncle = gparent[rb_opposite(side)];
    if (uncle !== null && uncle.rb_color === RB_RED) {
      // Case 1: red uncle. Push gparent's black down to both its children; gparent turns red and
      // may now clash with its own parent, so continue from there.
      parent.rb_color = RB_BLACK;
      uncle.rb_color = RB_BLACK;
      gparent.rb_color = RB_RED;
      node = gparent;
      continue;
    }
    let top = parent;
    if (node === parent[rb_opposite(side)]) {
      // Case 2: node is an inner grandchild. Rotate it above parent, giving case 3's shape.
      __rb_rotate(parent, side, root, augment);
      top = node;
    }
    // Case 3: node (or the old parent) is an outer grandchild. Rotate gparent down away from it;
    // `top`, now black, takes gparent's place and gparent becomes a red child.
    __rb_rotate(gparent, rb_opposite(side), root, augment);
    top.rb_color = RB_BLACK;
    gparent.rb_color = RB_RED;
    return;
  }
}

/** Linux: rb_insert_color(): rb_insert_augmented() for a tree without augmented values. */
export function rb_insert_color<N extends rb_node<N>>(node: N, root: rb_root<N>): void {
  rb_insert_augmented(node, root, rb_no_augment as rb_augment_callbacks<N>);
}

// Linux: rbtree_augmented.h __rb_erase_augmented(): unlink `node` and fix the augmented values.
// Returns the parent of the spot that lost a black node (rule 4 now broken there), or null.
function __rb_erase_augmented<N extends rb_node<N>>(node: N, root: rb_root<N>, augment: rb_augment_callbacks<N>): N | null {
  const left = node.rb_left;
  const right = node.rb_right;
  let rebalance: N | null;
  let fixup_from: N | null; // lowest node whose subtree changed

  if (left === null || right === null) {
    // At most one child. A lone child is necessarily red under a black node: it takes the node's
    // place and colour and nothing else changes. A childless black node leaves a hole.
    const child = left ?? right;
    const parent = node.rb_parent;
    __rb_change_child(node, child, parent, root);
    if (child !== null) {
      child.rb_parent = parent;
      child.rb_color = node.rb_color;
      rebalance = null;
    } else {
      rebalance = node.rb_color === RB_BLACK ? parent : null;
    }
    fixup_from = parent;
  } else {
    // Two children. The in-order successor (leftmost of the right subtree, so it has no left
    // child) moves into node's place and takes its colour; the successor's old spot is the one
    // that may lose a black. `parent` is the successor's parent after the move.
    let successor = right;
    let parent: N;
    let child2: N | null; // the successor's right child, which moves up into its old spot
    if (right.rb_left === null) {
      // The successor is node's right child itself.
      parent = successor;
      child2 = successor.rb_right;
      augment.copy(node, successor);
    } else {
      do {
        parent = successor;
        successor = successor.rb_left!;
      } while (successor.rb_left !== null);
      child2 = successor.rb_right;
      parent.rb_left = child2;
      successor.rb_right = right;
      right.rb_parent = successor;
      augment.copy(node, successor);
      augment.propagate(parent, successor); // the path below the successor lost it
    }
    successor.rb_left = left;
    left.rb_parent = successor;
    __rb_change_child(node, successor, node.rb_parent, root);
    successor.rb_parent = node.rb_parent;
    const moved_color = successor.rb_color;
    successor.rb_color = node.rb_color;
    if (child2 !== null) {
      child2.rb_parent = parent;
      child2.rb_color = RB_BLACK; // a lone child is red: blackening it makes up for the successor
      rebalance = null;
    } else {
      rebalance = moved_color === RB_BLACK ? parent : null;
    }
    fixup_from = successor;
  }
  augment.propagate(fixup_from, null);
  return rebalance;
}

// Linux: lib/rbtree.c ____rb_erase_color(): one side of `parent` (the one where `node` is, node
// possibly null) has one black fewer on every path than the other. Restore rule 4.
function __rb_erase_color<N extends rb_node<N>>(parent: N, root: rb_root<N>, augment: rb_augment_callbacks<N>): void {
  let node: N | null = null;
  for (;;) {
    // The short side is the one holding `node`; when node is null the other side cannot be empty
    // (it has a black more), so comparing with rb_left tells the side either way.
    const dir: rb_dir = node === parent.rb_left ? "rb_left" : "rb_right";
    const other = rb_opposite(dir);
    let sibling = parent[other]!;
    if (sibling.rb_color === RB_RED) {
      // Case 1: red sibling. Rotate it above parent and swap their colours: the short side now
      // has a black sibling (the red one's child), and the cases below apply.
      __rb_rotate(parent, dir, root, augment);
      sibling.rb_color = RB_BLACK;
      parent.rb_color = RB_RED;
      sibling = parent[other]!;
    }
    if (rb_is_black(sibling[dir]) && rb_is_black(sibling[other])) {
      // Case 2: black sibling with black children. Redden it: both sides of parent are now short.
      // A red parent turned black pays for that; otherwise the deficit moves up one level.
      sibling.rb_color = RB_RED;
      if (parent.rb_color === RB_RED) {
        parent.rb_color = RB_BLACK;
        return;
      }
      node = parent;
      const up = node.rb_parent;
      if (up === null) return; // the whole tree is one black shorter: fine
      parent = up;
      continue;
    }
    if (rb_is_black(sibling[other])) {
      // Case 3: only the sibling's near child is red. Rotate it above the sibling, giving case 4.
      __rb_rotate(sibling, other, root, augment);
      sibling.rb_color = RB_RED;
      sibling = parent[other]!;
      sibling.rb_color = RB_BLACK;
    }
    // Case 4: the sibling's far child is red. Rotate the sibling above parent; it takes parent's
    // colour, parent and the far child turn black, so the short side gains exactly one black.
    __rb_rotate(parent, dir, root, augment);
    sibling.rb_color = parent.rb_color;
    parent.rb_color = RB_BLACK;
    sibling[other]!.rb_color = RB_BLACK;
    return;
  }
}

/**
 * Linux: rb_erase_augmented(): remove `node` from the tree, keeping colours and augmented values.
 * Afterwards the node's links are cleared, so it can be linked again.
 */
export function rb_erase_augmented<N extends rb_node<N>>(node: N, root: rb_root<N>, augment: rb_augment_callbacks<N>): void {
  const rebalance = __rb_erase_augmented(node, root, augment);
  if (rebalance !== null) __rb_erase_color(rebalance, root, augment);
  node.rb_parent = null;
  node.rb_left = null;
  node.rb_right = null;
}

/** Linux: rb_erase(): rb_erase_augmented() for a tree without augmented values. */
export function rb_erase<N extends rb_node<N>>(node: N, root: rb_root<N>): void {
  rb_erase_augmented(node, root, rb_no_augment as rb_augment_callbacks<N>);
}

/** Linux: rb_first(): the leftmost (smallest) node, or null for an empty tree. */
export function rb_first<N extends rb_node<N>>(root: rb_root<N>): N | null {
  let node = root.rb_node;
  if (node === null) return null;
  while (node.rb_left !== null) node = node.rb_left;
  return node;
}

/** Linux: rb_last(): the rightmost (largest) node, or null for an empty tree. */
export function rb_last<N extends rb_node<N>>(root: rb_root<N>): N | null {
  let node = root.rb_node;
  if (node === null) return null;
  while (node.rb_right !== null) node = node.rb_right;
  return node;
}

/** Linux: rb_next(): the in-order successor of a linked node, or null after the last. */
export function rb_next<N extends rb_node<N>>(node: N): N | null {
  if (node.rb_right !== null) {
    node = node.rb_right;
    while (node.rb_left !== null) node = node.rb_left;
    return node;
  }
  // Go up until we come from a left child: that parent is the next one.
  let parent = node.rb_parent;
  while (parent !== null && node === parent.rb_right) {
    node = parent;
    parent = node.rb_parent;
  }
  return parent;
}

/** Linux: rb_prev(): the in-order predecessor of a linked node, or null before the first. */
export function rb_prev<N extends rb_node<N>>(node: N): N | null {
  if (node.rb_left !== null) {
    node = node.rb_left;
    while (node.rb_right !== null) node = node.rb_right;
    return node;
  }
  let parent = node.rb_parent;
  while (parent !== null && node === parent.rb_left) {
    node = parent;
    parent = node.rb_parent;
  }
  return parent;
}

/**
 * Check a tree against the rules at the top of this file and its parent links, and collect its
 * nodes in order into `out` (for the caller's own checks). Returns the first problem as a
 * sentence (`name` describes a node), or null. For tests and --check; it allocates freely.
 */
export function rb_validate<N extends rb_node<N>>(root: rb_root<N>, out: N[], name: (node: N) => string): string | null {
  const top = root.rb_node;
  if (top !== null && top.rb_parent !== null) return `the root ${name(top)} has a parent`;
  if (top !== null && top.rb_color !== RB_BLACK) return `the root ${name(top)} is not black`;
  const seen = new Set<N>();
  let problem = "";
  const fail = (text: string): number => {
    problem = text;
    return -1;
  };
  // Returns the black height of the subtree (null links count 1), or -1 after setting `problem`.
  const walk = (node: N | null): number => {
    if (node === null) return 1;
    if (seen.has(node)) return fail(`${name(node)} is reached twice`);
    seen.add(node);
    if (node.rb_color !== RB_RED && node.rb_color !== RB_BLACK) return fail(`${name(node)} is neither red nor black`);
    for (const child of [node.rb_left, node.rb_right]) {
      if (child === null) continue;
      if (child.rb_parent !== node) return fail(`the child ${name(child)} of ${name(node)} has a wrong rb_parent`);
      if (node.rb_color === RB_RED && child.rb_color === RB_RED) return fail(`red ${name(node)} has a red child`);
    }
    const left_height = walk(node.rb_left);
    if (left_height < 0) return -1;
    out.push(node);
    const right_height = walk(node.rb_right);
    if (right_height < 0) return -1;
    if (left_height !== right_height) {
      return fail(`black heights under ${name(node)} differ (${left_height} left, ${right_height} right)`);
    }
    return left_height + (node.rb_color === RB_BLACK ? 1 : 0);
  };
  return walk(top) < 0 ? problem : null;
}
