// Column catalogues: the names and groups of the features of the named data sets, and the
// resolution of a spec's `data.features` (a group, a name, or a list of both) into column
// indices of the file being read.
import { closest, distance } from 'fastest-levenshtein';
import { fail, ok, type Problem, type Result } from '../errors.ts';

export type CatalogueName = 'higgs' | 'susy' | 'none';
export const CATALOGUE_NAMES: readonly CatalogueName[] = ['higgs', 'susy', 'none'];

export interface Catalogue {
  name: CatalogueName;
  /** Column names in file order; empty for `none` (names come from the file). */
  columns: readonly string[];
  /** Group name -> column names. Every catalogue has `all`. */
  groups: Readonly<Record<string, readonly string[]>>;
}

const jets = [1, 2, 3, 4].flatMap((j) => [`jet${j}_pt`, `jet${j}_eta`, `jet${j}_phi`, `jet${j}_btag`]);

/** UCI HIGGS order (Baldi, Sadowski, Whiteson 2014): 21 low-level, then 7 high-level. */
export const HIGGS_COLUMNS: readonly string[] = [
  'lepton_pT', 'lepton_eta', 'lepton_phi', 'missing_energy_magnitude', 'missing_energy_phi',
  ...jets,
  'm_jj', 'm_jjj', 'm_lv', 'm_jlv', 'm_bb', 'm_wbb', 'm_wwbb',
];

/** UCI SUSY order: 8 low-level, then 10 high-level. */
export const SUSY_COLUMNS: readonly string[] = [
  'lepton_1_pT', 'lepton_1_eta', 'lepton_1_phi', 'lepton_2_pT', 'lepton_2_eta', 'lepton_2_phi',
  'missing_energy_magnitude', 'missing_energy_phi',
  'MET_rel', 'axial_MET', 'M_R', 'M_TR_2', 'R', 'MT2', 'S_R', 'M_Delta_R', 'dPhi_r_b', 'cos_theta_r1',
];

function withGroups(name: CatalogueName, columns: readonly string[], lowLevel: number): Catalogue {
  return {
    name,
    columns,
    groups: { all: columns, 'low-level': columns.slice(0, lowLevel), 'high-level': columns.slice(lowLevel) },
  };
}

const CATALOGUES: Record<CatalogueName, Catalogue> = {
  higgs: withGroups('higgs', HIGGS_COLUMNS, 21),
  susy: withGroups('susy', SUSY_COLUMNS, 8),
  none: { name: 'none', columns: [], groups: { all: [] } },
};

export function getCatalogue(name: CatalogueName): Catalogue {
  return CATALOGUES[name];
}

/** `x0 .. x{n-1}`: the names of columns a file does not name. */
export function genericColumns(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `x${i}`);
}

/** Whether the names are the generic ones a nameless source reports. */
export function isGeneric(columns: readonly string[]): boolean {
  return columns.every((c, i) => c === `x${i}`);
}

/**
 * Name comparison ignores case, `_`, `-` and spaces, so the header of the UCI/LightGBM
 * HIGGS files (`jet_1_b-tag`) matches the catalogue's `jet1_btag`.
 */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/** The catalogue for a column count when the user did not say (`exp data info`). */
export function guessCatalogue(cols: number): CatalogueName {
  if (cols === HIGGS_COLUMNS.length) return 'higgs';
  if (cols === SUSY_COLUMNS.length) return 'susy';
  return 'none';
}

export interface ResolvedFeatures {
  /** Column indices into the source's columns, in selection order. */
  indices: number[];
  /** The catalogue's names of those columns. */
  names: string[];
}

/**
 * Maps the catalogue onto the file's columns: by (normalised) name when the file names
 * every catalogue column, otherwise by position when the counts agree (the UCI layout
 * has no header), otherwise fails.
 */
function mapCatalogue(cat: Catalogue, available: readonly string[]): Result<{ names: string[]; index: number[] }> {
  if (cat.name === 'none') {
    return ok({ names: [...available], index: available.map((_, i) => i) });
  }
  const byName = new Map(available.map((c, i) => [normalizeName(c), i] as const));
  const index = cat.columns.map((c) => byName.get(normalizeName(c)) ?? -1);
  if (index.every((i) => i >= 0)) return ok({ names: [...cat.columns], index });
  if (available.length === cat.columns.length) return ok({ names: [...cat.columns], index: cat.columns.map((_, i) => i) });
  return fail({
    path: 'data.catalogue',
    message: `catalogue ${cat.name} has ${cat.columns.length} columns but the data has ${available.length}`,
    hint: `use catalogue: none to name the columns x0..x${available.length - 1}, or the catalogue that matches the file`,
  });
}

/**
 * Resolves `data.features` (a group, a column name, or a list of both) against a catalogue
 * and the columns the source has. Names match the catalogue's names (case, `_` and `-`
 * insensitive); for catalogue `none` they match the file's names (or x0, x1, ...).
 * Duplicates are kept once, in first-mention order.
 */
export function resolveFeatures(
  catalogueName: CatalogueName,
  selection: string | readonly string[],
  availableColumns: readonly string[],
): Result<ResolvedFeatures> {
  const cat = CATALOGUES[catalogueName];
  if (!cat) {
    return fail({ path: 'data.catalogue', message: `unknown catalogue "${String(catalogueName)}"`, hint: `one of ${CATALOGUE_NAMES.join(', ')}` });
  }
  const mapped = mapCatalogue(cat, availableColumns);
  if (!mapped.ok) return mapped;
  const { names: catNames, index: fileIndex } = mapped.value;
  const groups: Record<string, readonly string[]> = cat.name === 'none' ? { all: catNames } : cat.groups;

  const position = new Map<string, number>();
  catNames.forEach((n, i) => position.set(normalizeName(n), i));

  const items = typeof selection === 'string' ? [selection] : selection;
  const chosen: number[] = [];
  const seen = new Set<number>();
  const problems: Problem[] = [];
  items.forEach((item, k) => {
    const members = groups[item] ?? (position.has(normalizeName(item)) ? [item] : null);
    if (!members) {
      const candidates = [...Object.keys(groups), ...catNames];
      const best = closest(item, candidates);
      const near = distance(item.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(item.length / 3));
      problems.push({
        path: typeof selection === 'string' ? 'data.features' : `data.features[${k}]`,
        message: `unknown feature "${item}" in catalogue ${cat.name}`,
        hint: near
          ? `did you mean "${best}"?`
          : `groups: ${Object.keys(groups).join(', ')}; columns: ${catNames.slice(0, 8).join(', ')}${catNames.length > 8 ? ', ...' : ''}`,
      });
      return;
    }
    for (const m of members) {
      const p = position.get(normalizeName(m))!;
      if (!seen.has(p)) {
        seen.add(p);
        chosen.push(p);
      }
    }
  });
  if (problems.length > 0) return fail(problems);
  return ok({ indices: chosen.map((p) => fileIndex[p]), names: chosen.map((p) => catNames[p]) });
}
