using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.People;
using Fangkong.Data.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Fangkong.Data.People;

public sealed record CategoryItem(long Id, string Code, string NameZh, string NameEn, string? Description, int SortOrder, bool IsActive, int People);
public sealed record CategoryInput(string? Code, string? NameZh, string? NameEn, string? Description, int SortOrder = 0, bool IsActive = true);

/// <summary>The county's key-population categories: data the command centre edits, never an enum.</summary>
public sealed class CategoryService(IDbContextFactory<FangkongDb> factory, IActorAccessor actor)
{
    public async Task<IReadOnlyList<CategoryItem>> ListAsync(bool withCounts = false, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var categories = await db.Categories.AsNoTracking().OrderBy(c => c.SortOrder).ThenBy(c => c.Id).ToListAsync(ct);
        var counts = new Dictionary<long, int>();
        if (withCounts && actor.Current.Can(Permissions.PeopleRead))
        {
            // Counted through the people the actor can see, so a village account gets its own village's figures.
            counts = await db.People.SelectMany(p => p.Categories).GroupBy(c => c.CategoryId)
                .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        }
        return categories.Select(c => new CategoryItem(c.Id, c.Code, c.NameZh, c.NameEn, c.Description, c.SortOrder, c.IsActive, counts.GetValueOrDefault(c.Id))).ToList();
    }

    public async Task<long> CreateAsync(CategoryInput input, CancellationToken ct = default)
    {
        actor.Current.Require(Permissions.CategoriesManage);
        var county = actor.Current.Scope.CountyCode;
        if (string.IsNullOrEmpty(county)) throw new ValidationFailedException([new FieldError("code", "category.county-required")]);
        await using var db = await factory.CreateDbContextAsync(ct);
        var category = new KeyPopulationCategory { CountyCode = county };
        Apply(category, input, creating: true);
        if (await db.Categories.AnyAsync(c => c.Code == category.Code, ct))
            throw new ValidationFailedException([new FieldError("code", "category.code-taken")]);
        db.Categories.Add(category);
        db.Audit.Reason = "category added";
        await db.SaveChangesAsync(ct);
        return category.Id;
    }

    public async Task<bool> UpdateAsync(long id, CategoryInput input, CancellationToken ct = default)
    {
        actor.Current.Require(Permissions.CategoriesManage);
        await using var db = await factory.CreateDbContextAsync(ct);
        var category = await db.Categories.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (category is null) return false;
        Apply(category, input, creating: false);
        db.Audit.Reason = "category edited";
        await db.SaveChangesAsync(ct);
        return true;
    }

    private static void Apply(KeyPopulationCategory category, CategoryInput input, bool creating)
    {
        var errors = new List<FieldError>();
        if (creating)
        {
            var code = Text.Compact(input.Code).ToLowerInvariant();
            if (code.Length is < 2 or > 40 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                errors.Add(new FieldError("code", "category.code"));
            category.Code = code;
        }
        var zh = Text.Tidy(input.NameZh);
        var en = Text.Tidy(input.NameEn);
        if (zh is null or { Length: > 50 }) errors.Add(new FieldError("nameZh", "name.required"));
        if (en is null or { Length: > 80 }) errors.Add(new FieldError("nameEn", "name.required"));
        var description = Text.Tidy(input.Description);
        if (description is { Length: > 500 }) errors.Add(new FieldError("description", "note.too-long"));
        ValidationFailedException.ThrowIfAny(errors);
        category.NameZh = zh!;
        category.NameEn = en!;
        category.Description = description;
        category.SortOrder = input.SortOrder;
        category.IsActive = input.IsActive;
    }
}
