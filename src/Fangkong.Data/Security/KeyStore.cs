using System.Text.Json;
using Fangkong.Core.Security;
using Fangkong.Data.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.Security;

/// <summary>
/// Loads the identifier keys: from configuration (Fangkong:Keys:EncryptionKey / IndexKey, base64) in production,
/// otherwise from a key file outside the database, generated on first run for development. Losing the keys makes
/// every encrypted identifier unreadable, so the file is never overwritten.
/// </summary>
public static class KeyStore
{
    internal static FieldProtector LoadFor(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<FangkongOptions>>().Value;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Fangkong.Keys");
        return Load(options, message => logger?.LogWarning("{Message}", message));
    }

    public static FieldProtector Load(FangkongOptions options, Action<string>? warn = null)
    {
        var keys = options.Keys;
        if (!string.IsNullOrWhiteSpace(keys.EncryptionKey) || !string.IsNullOrWhiteSpace(keys.IndexKey))
        {
            if (string.IsNullOrWhiteSpace(keys.EncryptionKey) || string.IsNullOrWhiteSpace(keys.IndexKey))
                throw new InvalidOperationException("Configure both Fangkong:Keys:EncryptionKey and Fangkong:Keys:IndexKey, or neither.");
            return new FieldProtector(Convert.FromBase64String(keys.EncryptionKey), Convert.FromBase64String(keys.IndexKey));
        }

        var path = string.IsNullOrWhiteSpace(keys.File)
            ? Path.Combine(options.DataDirectoryFullPath, "keys.json")
            : Path.GetFullPath(keys.File);
        if (File.Exists(path))
        {
            var file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path))
                ?? throw new InvalidOperationException($"The key file {path} is empty.");
            return new FieldProtector(Convert.FromBase64String(file.EncryptionKey), Convert.FromBase64String(file.IndexKey));
        }

        var created = new KeyFile(
            Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            DateTime.UtcNow.ToString("O"),
            "Development keys for Fangkong identifiers. Keep this file with the database backups; configure Fangkong:Keys in production.");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, created, new JsonSerializerOptions { WriteIndented = true });
        }
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        warn?.Invoke($"Generated development identifier keys in {path}. Configure Fangkong:Keys for production.");
        return new FieldProtector(Convert.FromBase64String(created.EncryptionKey), Convert.FromBase64String(created.IndexKey));
    }

    private sealed record KeyFile(string EncryptionKey, string IndexKey, string CreatedAt, string Note);
}
