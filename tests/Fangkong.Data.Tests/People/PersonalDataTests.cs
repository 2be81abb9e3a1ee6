using System.Text;
using Fangkong.Core.Accounts;
using Fangkong.Core.Identifiers;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Security;
using Fangkong.Testing;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.Tests.People;

/// <summary>Identifiers at rest: encrypted in the database, keys outside it, generated once for development.</summary>
public class PersonalDataTests
{
    [Theory, OnSqlite, OnPostgres]
    public async Task PeoplesIdentifiers_AreStoredEncrypted_AndReadBackThroughTheModel(Engine engine)
    {
        await using var db = await TestDatabase.CreateAsync(engine);
        await using var ctx = await db.ContextAsync(Actor.System("test"));
        var person = await ctx.People.Where(p => p.DocumentNumber != null && p.Phone != null).OrderBy(p => p.Id).FirstAsync();
        Assert.True(ResidentId.Check(person.DocumentNumber, new DateOnly(2022, 10, 1)).Valid);

        await using var command = ctx.Database.GetDbConnection().CreateCommand();
        await ctx.Database.OpenConnectionAsync();
        command.CommandText = $"SELECT \"DocumentNumber\", \"Phone\", \"AddressText\" FROM \"People\" WHERE \"Id\" = {person.Id}";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        for (var i = 0; i < 3; i++)
        {
            if (reader.IsDBNull(i)) continue;
            var raw = (byte[])reader[i];
            var asText = Encoding.UTF8.GetString(raw) + Encoding.Latin1.GetString(raw) + Convert.ToHexString(raw);
            Assert.DoesNotContain(person.DocumentNumber!, asText);
            Assert.DoesNotContain(person.Phone!, asText);
            Assert.DoesNotContain(person.DocumentNumber![^8..], asText);
        }
    }

    [Fact]
    public void DevelopmentKeys_AreGeneratedOnceOutsideTheDatabase_AndKeptPrivate()
    {
        var directory = Path.Combine(Path.GetTempPath(), "fangkong-keys-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new FangkongOptions { DataDirectory = directory };
            var first = KeyStore.Load(options);
            var path = Path.Combine(directory, "keys.json");
            Assert.True(File.Exists(path));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            var second = KeyStore.Load(options);
            Assert.Equal(first.KeyId, second.KeyId);
            Assert.Equal(first.Hash("doc", "411326199001011234"), second.Hash("doc", "411326199001011234"));
            Assert.Equal("411326199001011234", second.Decrypt(first.Encrypt("411326199001011234")));
            // Configured keys win over the file; one without the other is refused.
            Assert.Throws<InvalidOperationException>(() => KeyStore.Load(new FangkongOptions { DataDirectory = directory, Keys = new KeyOptions { EncryptionKey = TestDatabase.TestEncryptionKey } }));
            var configured = KeyStore.Load(new FangkongOptions { DataDirectory = directory, Keys = new KeyOptions { EncryptionKey = TestDatabase.TestEncryptionKey, IndexKey = TestDatabase.TestIndexKey } });
            Assert.NotEqual(first.KeyId, configured.KeyId);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
