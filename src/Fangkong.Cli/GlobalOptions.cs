using System.CommandLine;

namespace Fangkong.Cli;

/// <summary>Options every command accepts; they override appsettings.json and environment variables.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Provider = new("--provider") { Description = "Database provider: sqlite or postgres (Fangkong:Database:Provider).", Recursive = true };
    public static readonly Option<string?> Connection = new("--connection") { Description = "Database connection string (Fangkong:Database:ConnectionString).", Recursive = true };
    public static readonly Option<string?> DataDirectory = new("--data-dir") { Description = "Directory of the embedded database and development keys (Fangkong:DataDirectory).", Recursive = true };
    public static readonly Option<string?> County = new("--county") { Description = "County code (Fangkong:County), default 411326.", Recursive = true };
    public static readonly Option<string?> Jurisdiction = new("--jurisdiction") { Description = "Act within this node only: a township or village code or a scope key. Default: the whole county.", Recursive = true };
    public static readonly Option<string[]> Settings = new("--set") { Description = "Any setting as Key=Value, e.g. --set Fangkong:Keys:File=/secure/keys.json", Recursive = true, AllowMultipleArgumentsPerToken = false };

    public static IReadOnlyList<Option> All { get; } = [Provider, Connection, DataDirectory, County, Jurisdiction, Settings];
}
