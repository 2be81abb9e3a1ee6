using Fangkong.Core.Jurisdictions;

namespace Fangkong.Data.Imports;

public enum ImportStatus { Running = 0, Completed = 1, Failed = 2 }

/// <summary>One import of a file: its figures, and the rows it refused (in <see cref="ImportRowError"/>).</summary>
public sealed class ImportJob : IJurisdictionOwned
{
    public long Id { get; set; }
    public string CountyCode { get; set; } = "";
    /// <summary>The importing actor's scope: rows outside it are refused, and only that subtree sees the job.</summary>
    public string ScopeKey { get; set; } = "";
    public string Kind { get; set; } = "people";
    public string FileName { get; set; } = "";
    public string? FileSha256 { get; set; }
    public long FileBytes { get; set; }
    /// <summary>csv (utf-8 / utf-8-bom / gbk / utf-16) or xlsx.</summary>
    public string? Format { get; set; }
    public ImportStatus Status { get; set; }
    public int Rows { get; set; }
    public int Imported { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int Rejected { get; set; }
    public string? ActorId { get; set; }
    public string ActorName { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public long ElapsedMs { get; set; }
    public string? Error { get; set; }
}

/// <summary>A refused row: which row, which field, why. Values are masked when they are identifiers.</summary>
public sealed class ImportRowError : IJurisdictionOwned
{
    public long Id { get; set; }
    public long ImportJobId { get; set; }
    public string CountyCode { get; set; } = "";
    public string ScopeKey { get; set; } = "";
    public string? Sheet { get; set; }
    public int RowNumber { get; set; }
    public string? Field { get; set; }
    /// <summary>A stable code (id.check-character, name.missing, id.duplicate-in-file…) the UI localizes.</summary>
    public string Code { get; set; } = "";
    public string Message { get; set; } = "";
    public string? Value { get; set; }

    /// <summary>
    /// For an address the resolver could not place, its note (<see cref="AddressNote"/>: a code with the places it
    /// names) as stored by <see cref="AddressNote.Store"/>, for the page or report to put into words; null otherwise.
    /// </summary>
    public string? Note { get; set; }

    public const int NoteMaxLength = 1000;
}
