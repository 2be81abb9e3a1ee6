using System.Xml.Linq;
using Fangkong.Core.Accounts;
using Fangkong.Data.Infrastructure;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fangkong.Data.Security;

/// <summary>An ASP.NET Core data-protection key (cookies, antiforgery tokens), kept in the database.</summary>
public sealed class DataProtectionKeyRecord
{
    public long Id { get; set; }
    public string? FriendlyName { get; set; }
    public string Xml { get; set; } = "";
}

/// <summary>
/// Keeps the data-protection key ring in the database so several stateless web nodes decrypt each other's cookies
/// and a restart does not sign everybody out. (The EF key-store package is not available here; this is its two methods.)
/// </summary>
public sealed class DatabaseXmlRepository(IServiceProvider services) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = SystemScope(out var db);
        return db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).ToList()
            .Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = SystemScope(out var db);
        db.DataProtectionKeys.Add(new DataProtectionKeyRecord { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }

    private IServiceScope SystemScope(out FangkongDb db)
    {
        var scope = services.CreateScope();
        ((ActorAccessor)scope.ServiceProvider.GetRequiredService<IActorAccessor>()).Current = Actor.System("data-protection");
        db = scope.ServiceProvider.GetRequiredService<FangkongDb>();
        return scope;
    }
}
