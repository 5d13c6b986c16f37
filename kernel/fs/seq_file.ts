// Linux: fs/seq_file.c, the helpers /proc files print with. They fix the exact text: a number
// right-aligned in a field (seq_put_decimal_ull_width), hex zero-padded to a width (seq_put_hex_ll),
// and padding to a column (seq_setwidth + seq_pad, which is how /proc/PID/maps lines up its names).
// vmos builds a whole file's text at once (see procfs/root.ts for why), so a seq_file here is just a
// growing string.

export class seq_file {
  private text = "";
  /** Linux: m->pad_until, the column seq_pad() pads to. */
  private pad_until = 0;

  /** Linux: seq_puts() / seq_putc(). */
  puts(s: string): void {
    this.text += s;
  }

  /** Linux: seq_put_decimal_ull(): `delimiter` then `num` in decimal. */
  put_decimal_ull(delimiter: string, num: number): void {
    this.text += delimiter + String(num);
  }

  /** Linux: seq_put_decimal_ull_width(): `num` right-aligned in at least `width` columns (spaces). */
  put_decimal_ull_width(delimiter: string, num: number, width: number): void {
    this.text += delimiter + String(num).padStart(width, " ");
  }

  /** Linux: seq_put_decimal_ll(): signed. */
  put_decimal_ll(delimiter: string, num: number): void {
    this.text += delimiter + String(num);
  }

  /** Linux: seq_put_hex_ll(): `v` in lowercase hex, zero-padded to at least `width` digits. */
  put_hex_ll(delimiter: string, v: number, width: number): void {
    this.text += delimiter + v.toString(16).padStart(width, "0");
  }

  /** Linux: seq_setwidth(): the next seq_pad() pads up to `size` characters from here. */
  setwidth(size: number): void {
    this.pad_until = this.text.length + size;
  }

  /**
   * Linux: seq_pad(): spaces up to the column set by seq_setwidth() (none if already past it), then
   * the character `c`.
   */
  pad(c: string): void {
    const size = this.pad_until - this.text.length;
    if (size > 0) this.text += " ".repeat(size);
    this.text += c;
  }

  /** The file's text so far. */
  toString(): string {
    return this.text;
  }
}

/** Linux: show_val_kb() and task_mem()'s SEQ_PUT_DEC: "Label:  <8-wide number> kB\n" from pages. */
export function show_val_kb(m: seq_file, label: string, pages: number): void {
  m.put_decimal_ull_width(label, pages * 4, 8);
  m.puts(" kB\n");
}
