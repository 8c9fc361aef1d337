"""The files that pass between rules: their columns, and one reader and one writer for each.

Every script reads and writes these files through this module and nowhere else, so a column
is added, renamed or parsed in one place. Tables shown in the reports are read back as the
strings written (a report copies what its table says, to the digit); tables a step computes
with are read into numbers. Writers are byte-stable: the same rows give the same file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:  # pandas is imported where a table needs it: most steps never do
    import pandas as pd

# ------------------------------------------------------------------ columns

ALTERATION_COLUMNS = [
    "patient_id", "sample_id", "gene", "alteration", "hgvs_p", "hgvs_c", "type", "chrom", "pos",
    "ref", "alt", "depth", "alt_count", "vaf", "copy_number", "phase_set", "classification",
    "phase", "callers", "detail", "tier", "tier_level", "tier_reason",
]  # fmt: skip
COUNT_COLUMNS = ["site", "allele", "fragments", "forward", "reverse", "depth", "bases"]
HOTSPOT_COLUMNS = [
    "patient_id", "sample_id", "gene", "codon", "depth", "status", "detail", "lod_vaf",
]  # fmt: skip
MUTATION_COLUMNS = [
    "patient_id", "sample_id", "gene", "site", "alteration", "chrom", "pos", "ref", "alt", "depth",
    "alt_count", "vaf", "p_value", "strand_p", "error_rate", "phase_set", "phase",
]  # fmt: skip
LINKAGE_COLUMNS = [
    "sample_id", "first", "second", "both", "first_only", "second_only", "neither", "phase",
]  # fmt: skip
BACKGROUND_COLUMNS = ["site", "allele", "alt_fragments", "depth", "n_normals"]
GENE_TABLE_COLUMNS = [
    "sample_id", "region", "gene", "chrom", "start", "end", "n_bins", "log2", "ratio", "copy_number",
    "ci_low", "ci_high", "purity", "status", "detail",
]  # fmt: skip
FUSION_COLUMNS = [
    "sample_id", "fusion", "partner", "exon_pair", "variant", "in_frame", "orientation",
    "alk_chrom", "alk_pos", "partner_chrom", "partner_pos", "precise", "split_fragments",
    "discordant_fragments", "ambiguous_fragments", "supporting_fragments", "spanning_fragments",
    "fraction", "reciprocal_seen", "reciprocal_fragments", "alkres", "callers", "agreement", "note",
]  # fmt: skip
NORMAL_VARIANT_COLUMNS = ["chrom", "pos", "ref", "alt", "max_normal_vaf"]
HOTSPOT_DEPTH_COLUMNS = ["codon", "chrom", "start", "end", "depth"]
PATIENT_COLUMNS = [
    "patient_id", "n_biopsies", "biopsies", "tki_lines", "mechanisms", "status",
    "latest_biopsy", "latest_alk_mutations", "progressed_on", "next_tki", "best_response",
    "next_tki_activity", "next_tki_predicted_active", "fusion_variant",
]  # fmt: skip
SUMMARY_COLUMNS = ["metric", "value"]
FUSION_VARIANT_COLUMNS = [
    "fusion_variant", "patients", "post_tki_biopsies", "biopsies_with_alk_mutation",
    "biopsies_with_g1202r", "alk_mutations_seen",
]  # fmt: skip
VERSION_COLUMNS = ["software", "version"]
BED_COLUMNS = ["chrom", "start", "end", "name"]  # 0-based start, as BED
BIOPSY_SCHEMA = "alkres-biopsy/5"

# ------------------------------------------------------------------ primitives


def write_tsv(path: str | Path, rows: Iterable[Mapping], columns: Sequence[str]) -> None:
    """Rows as a tab-separated table with a header; keys outside ``columns`` are left out."""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=columns, delimiter="\t", lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)


def read_rows(paths: Iterable[str | Path], columns: Sequence[str] | None = None) -> list[dict]:
    """Rows of tables written by write_tsv (or pandas), every cell the string written. With
    ``columns``, a table whose header differs is an error naming the file."""
    rows: list[dict[str, str]] = []
    for path in paths:
        with open(path, newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t")
            header = list(reader.fieldnames or [])
            if columns is not None and header != list(columns):
                raise ValueError(
                    f"{path}: columns {', '.join(header)}; expected {', '.join(columns)}. "
                    "Fix: re-run the step that wrote it (the table is from another alkres version)."
                )
            rows.extend(reader)
    return rows


def write_frame(path: str | Path, frame: pd.DataFrame, float_format: str | None = None) -> None:
    frame.to_csv(path, sep="\t", index=False, float_format=float_format)


def write_json(path: str | Path, value, indent: int) -> None:
    Path(path).write_text(json.dumps(value, indent=indent) + "\n")


def read_json(path: str | Path):
    with open(path) as handle:
        return json.load(handle)


# ------------------------------------------------------------------ BED files


def write_bed(path: str | Path, rows: Iterable[Sequence]) -> None:
    """BED lines as given (chrom, 0-based start, end[, name])."""
    with open(path, "w") as handle:
        for row in rows:
            handle.write("\t".join(map(str, row)) + "\n")


def read_bed(path: str | Path) -> list[tuple[str, int, int, str]]:
    """(chrom, 0-based start, end, name) of a BED alkres wrote (4 columns)."""
    rows = []
    with open(path) as handle:
        for line in handle:
            if line.strip() and not line.startswith(("#", "track", "browser")):
                chrom, start, end, name = line.rstrip("\n").split("\t")[:4]
                rows.append((chrom, int(start), int(end), name))
    return rows


# ------------------------------------------------------------------ input checks


REFERENCE_GENE_COLUMNS = ["gene", "chrom", "status", "detail"]


def write_reference_genes(path: str | Path, rows: Iterable[Mapping]) -> None:
    """Each bundled gene besides ALK on the run's reference: ok, absent or flagged (rule
    check_reference writes it; the genotyping rules read it)."""
    write_tsv(path, rows, REFERENCE_GENE_COLUMNS)


def read_reference_genes(path: str | Path) -> list[dict]:
    return read_rows([path], REFERENCE_GENE_COLUMNS)


def write_check_record(path: str | Path, record: Mapping[str, object]) -> None:
    """What an input check checked: one header line, one value line."""
    Path(path).write_text(
        "\t".join(record) + "\n" + "\t".join(str(value) for value in record.values()) + "\n"
    )


# ------------------------------------------------------------------ QC


def write_qc_metrics(path: str | Path, row: Mapping) -> None:
    """qc/samples/{sample}.qc.tsv: one sample's metrics, verdict and reasons."""
    import pandas as pd

    write_frame(path, pd.DataFrame([dict(row)]), float_format="%.4g")


def read_qc_metrics(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Every sample's qc.tsv, metrics as numbers, the sample ID and texts as written."""
    import pandas as pd

    frames = [
        pd.read_csv(path, sep="\t", dtype={"sample_id": str}, keep_default_na=False)
        for path in paths
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def write_hotspot_depths(path: str | Path, rows: Sequence[Mapping]) -> None:
    """qc/samples/{sample}.hotspot_depth.tsv: each catalogued codon's depth, once."""
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=HOTSPOT_DEPTH_COLUMNS).drop_duplicates(
        "codon", keep="first"
    )
    write_frame(path, frame)


def write_qc_summary(path: str | Path, summary: pd.DataFrame) -> None:
    """qc/qc_summary.tsv: every sample's QC row with its final verdict."""
    write_frame(path, summary, float_format="%.4g")


def read_qc_summary(path: str | Path) -> list[dict]:
    return read_rows([path])


# ------------------------------------------------------------------ hotspots


def write_counts(path: str | Path, rows: Iterable[Mapping]) -> None:
    write_tsv(path, rows, COUNT_COLUMNS)


def read_counts(path: str | Path) -> list[dict]:
    """Fragment counts per site and allele, as numbers (allele '' = the site's depth only)."""
    with open(path) as handle:
        return [
            {
                "site": row["site"],
                "allele": row["allele"],
                "fragments": int(row["fragments"]) if row["allele"] else 0,
                "forward": int(row["forward"]) if row["allele"] else 0,
                "reverse": int(row["reverse"]) if row["allele"] else 0,
                "depth": int(row["depth"]),
            }
            for row in csv.DictReader(handle, delimiter="\t")
        ]


def write_background(path: str | Path, rows: Iterable[Mapping]) -> None:
    write_tsv(path, rows, BACKGROUND_COLUMNS)


def read_background(path: str | Path) -> list[dict]:
    """Pooled normal background per site and allele, as numbers."""
    with open(path) as handle:
        return [
            {
                "site": row["site"],
                "allele": row["allele"],
                "alt_fragments": int(row["alt_fragments"]),
                "depth": int(row["depth"]),
                "n_normals": int(row["n_normals"]),
            }
            for row in csv.DictReader(handle, delimiter="\t")
        ]


def write_hotspots(path: str | Path, rows: Iterable[Mapping]) -> None:
    write_tsv(path, rows, HOTSPOT_COLUMNS)


def read_hotspots(paths: Iterable[str | Path]) -> list[dict]:
    return read_rows(paths, HOTSPOT_COLUMNS)


def write_mutations(path: str | Path, rows: Iterable[Mapping]) -> None:
    write_tsv(path, rows, MUTATION_COLUMNS)


def read_mutations(path: str | Path) -> list[dict]:
    return read_rows([path], MUTATION_COLUMNS)


def write_linkage(path: str | Path, rows: Iterable[Mapping]) -> None:
    write_tsv(path, rows, LINKAGE_COLUMNS)


# ------------------------------------------------------------------ variants


def write_alterations(path: str | Path, rows: Iterable[Mapping]) -> None:
    write_tsv(path, rows, ALTERATION_COLUMNS)


def read_alterations(paths: Iterable[str | Path]) -> list[dict]:
    return read_rows(paths, ALTERATION_COLUMNS)


def write_normal_variants(path: str | Path, vafs: Mapping[tuple, float]) -> None:
    """The pooled normals' variants: {(chrom, pos, ref, alt): highest VAF}, one row each."""
    with open(path, "w") as handle:
        handle.write("\t".join(NORMAL_VARIANT_COLUMNS) + "\n")
        for (chrom, pos, ref, alt), vaf in sorted(vafs.items()):
            handle.write(f"{chrom}\t{pos}\t{ref}\t{alt}\t{vaf:.6g}\n")


def read_normal_variants(path: str | Path) -> dict[tuple, float]:
    vafs: dict[tuple, float] = {}
    with open(path) as handle:
        header = handle.readline().rstrip("\n").split("\t")
        if header != NORMAL_VARIANT_COLUMNS:
            raise ValueError(f"{path}: header is not {' '.join(NORMAL_VARIANT_COLUMNS)}")
        for line in handle:
            chrom, pos, ref, alt, vaf = line.rstrip("\n").split("\t")
            vafs[(chrom, int(pos), ref, alt)] = float(vaf)
    return vafs


# ------------------------------------------------------------------ copy number


def write_gene_table(path: str | Path, rows: Iterable[Mapping]) -> None:
    write_tsv(path, rows, GENE_TABLE_COLUMNS)


def read_gene_tables(paths: Iterable[str | Path]) -> list[dict]:
    return read_rows(paths, GENE_TABLE_COLUMNS)


# ------------------------------------------------------------------ fusions


def write_fusions(path: str | Path, rows: Iterable[Mapping]) -> None:
    write_tsv(path, rows, FUSION_COLUMNS)


def read_fusions(paths: Iterable[str | Path]) -> list[dict]:
    return read_rows(paths, FUSION_COLUMNS)


def write_fusion_status(path: str | Path, status: Mapping) -> None:
    write_json(path, dict(status), indent=2)


def read_fusion_statuses(paths: Iterable[str | Path]) -> dict[str, dict]:
    """status.json files by sample."""
    statuses = {}
    for path in paths:
        status = read_json(path)
        statuses[status["sample_id"]] = status
    return statuses


# ------------------------------------------------------------------ biopsies and reports


def write_biopsy(path: str | Path, record: Mapping) -> None:
    """biopsies/{sample}.json: one tumour biopsy's record, as every report renders it."""
    write_json(path, {"schema": BIOPSY_SCHEMA, **record}, indent=1)


def read_biopsies(paths: Iterable[str | Path]) -> list[dict]:
    records = []
    for path in paths:
        record = read_json(path)
        if record.get("schema") != BIOPSY_SCHEMA:
            raise ValueError(
                f"{path}: not a {BIOPSY_SCHEMA} record. Fix: re-run rule biopsy for it."
            )
        records.append(record)
    return records


def write_patient_report_json(path: str | Path, report: Mapping) -> None:
    write_json(path, dict(report), indent=1)


def write_cohort_alterations(path: str | Path, rows: Sequence[Mapping]) -> None:
    """cohort/alterations.tsv: by sample, then position (amplifications with their region)."""
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=ALTERATION_COLUMNS)
    order = pd.to_numeric(frame["pos"], errors="coerce")
    frame = (
        frame.assign(_pos=order)
        .sort_values(["sample_id", "chrom", "_pos", "alteration"], kind="stable")
        .drop(columns="_pos")
    )
    write_frame(path, frame)


def write_stacked(path: str | Path, rows: Sequence[Mapping], columns: Sequence[str]) -> None:
    """A cohort table stacking the per-sample tables in the given order."""
    import pandas as pd

    write_frame(path, pd.DataFrame(list(rows), columns=list(columns)))


def write_patients(path: str | Path, rows: Sequence[Mapping]) -> None:
    import pandas as pd

    write_frame(path, pd.DataFrame(list(rows), columns=PATIENT_COLUMNS))


def write_summary(path: str | Path, rows: Sequence[Mapping]) -> None:
    import pandas as pd

    write_frame(path, pd.DataFrame(list(rows), columns=SUMMARY_COLUMNS))


def write_fusion_variants(path: str | Path, rows: Sequence[Mapping]) -> None:
    import pandas as pd

    write_frame(path, pd.DataFrame(list(rows), columns=FUSION_VARIANT_COLUMNS))


# ------------------------------------------------------------------ MultiQC custom content


def write_multiqc_table(path: str | Path, table: pd.DataFrame, meta: Mapping) -> None:
    """A ``*_mqc.tsv``: MultiQC's YAML header as comment lines, then the table (rows by sample)."""
    with open(path, "w") as handle:
        for line in yaml.safe_dump(dict(meta), sort_keys=False, allow_unicode=True).splitlines():
            handle.write(f"# {line}\n")
        table.to_csv(handle, sep="\t", index_label="Sample")


# ------------------------------------------------------------------ provenance


def write_versions(path: str | Path, versions: Mapping[str, str]) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(VERSION_COLUMNS)
        writer.writerows(versions.items())


def read_versions(path: str | Path) -> dict[str, str]:
    with open(path, newline="") as handle:
        return {row["software"]: row["version"] for row in csv.DictReader(handle, delimiter="\t")}
