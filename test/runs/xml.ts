// A tiny well-formedness check for the SVG and HTML we generate (no XML parser among the
// dependencies): tags balance, attributes are quoted, entities are known, no stray '<' or '&'.
export function checkWellFormed(text: string, { html = false } = {}): string[] {
  const errors: string[] = [];
  const voidTags = new Set(['meta', 'br', 'img', 'link', 'input', 'hr']);
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!DOCTYPE html>|<!--[\s\S]*?-->/g;
  let last = 0;
  let m: RegExpExecArray | null;
  const checkText = (s: string, at: number) => {
    if (s.includes('<')) errors.push(`stray '<' near offset ${at}`);
    for (const amp of s.matchAll(/&[^;\s]*;?/g)) if (!/^&(amp|lt|gt|quot|apos|#\d+);$/.test(amp[0])) errors.push(`bad entity ${amp[0]} near offset ${at}`);
  };
  while ((m = re.exec(text))) {
    checkText(text.slice(last, m.index), last);
    last = re.lastIndex;
    if (!m[2]) continue;
    const [, close, name, , selfClose] = m;
    const lname = name!.toLowerCase();
    if (close) {
      const top = stack.pop();
      if (top !== lname) errors.push(`</${name}> closes <${top}> at offset ${m.index}`);
    } else if (!selfClose && !(html && voidTags.has(lname))) stack.push(lname);
  }
  checkText(text.slice(last), last);
  if (stack.length) errors.push(`unclosed: ${stack.join(', ')}`);
  return errors;
}
