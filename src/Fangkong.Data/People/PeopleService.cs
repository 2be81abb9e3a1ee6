using Fangkong.Core;
using Fangkong.Core.Accounts;
using Fangkong.Core.Audit;
using Fangkong.Core.Identifiers;
using Fangkong.Core.Jurisdictions;
using Fangkong.Core.People;
using Fangkong.Data.Infrastructure;
using Fangkong.Data.Jurisdictions;
using Fangkong.Data.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fangkong.Data.People;

public sealed record PersonQuery(
    string? Text = null,
    long? NodeId = null,
    string? Category = null,
    ResidenceStatus? Residence = null,
    bool? IdInvalid = null,
    VulnerableFlags? Vulnerable = null,
    int Page = 1,
    int PageSize = 20);

public sealed record PersonListItem(
    long Id,
    string Name,
    string? DocumentMasked,
    bool IdValid,
    string? Sex,
    DateOnly? BirthDate,
    int? Age,
    string? PhoneMasked,
    long? NodeId,
    string? NodeName,
    string ScopeKey,
    string? Place,
    string? Relation,
    ResidenceStatus Residence,
    VulnerableFlags Vulnerable,
    IReadOnlyList<string> Categories);

public sealed record PersonDetail(
    long Id,
    string Name,
    DocumentType DocumentType,
    string? DocumentMasked,
    bool IdValid,
    string? IdIssue,
    string? Sex,
    DateOnly? BirthDate,
    int? Age,
    string? PhoneMasked,
    bool HasAddress,
    long? NodeId,
    string ScopeKey,
    IReadOnlyList<PlaceStep> Path,
    string? Relation,
    ResidenceStatus Residence,
    string? AwayLocation,
    string? Occupation,
    string? Workplace,
    VulnerableFlags Vulnerable,
    bool Unregistered,
    string? Note,
    IReadOnlyList<string> Categories,
    IReadOnlyList<PersonListItem> Household,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version);

/// <summary>
/// What a form or an API call may set on a person. On an update the identifiers (document number, phone, address)
/// follow patch rules — null keeps the stored value, "" clears it — so an edit never needs to reveal them; the
/// other fields are replaced.
/// </summary>
public sealed record PersonInput(
    string? Name,
    DocumentType DocumentType = DocumentType.ResidentId,
    string? DocumentNumber = null,
    string? Phone = null,
    string? AddressText = null,
    long? NodeId = null,
    string? Relation = null,
    ResidenceStatus Residence = ResidenceStatus.Resident,
    string? AwayLocation = null,
    string? Occupation = null,
    string? Workplace = null,
    VulnerableFlags Vulnerable = VulnerableFlags.None,
    IReadOnlyList<string>? Categories = null,
    string? Note = null,
    int? Version = null);

public enum RevealField { DocumentNumber, Phone, Address }

/// <summary>
/// The people registry as the pages and the API use it. Every query runs under the actor's jurisdiction filter;
/// identifiers leave this service masked unless <see cref="RevealAsync"/> is called, which is logged.
/// </summary>
public sealed class PeopleService(
    IDbContextFactory<FangkongDb> factory,
    IActorAccessor actor,
    JurisdictionDirectory directory,
    IOptions<FangkongOptions> options,
    TimeProvider time)
{
    public const int MaxPageSize = 200;
    private Actor Actor => actor.Current;
    private DateOnly Today => CountyClock.Today(time, options.Value.TimeZone);

    public async Task<Page<PersonListItem>> SearchAsync(PersonQuery query, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PeopleRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var people = await FilterAsync(db, query, ct);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var page = Math.Max(1, query.Page);
        var rows = await people
            .OrderBy(p => p.ScopeKey).ThenBy(p => p.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(ListProjection)
            .ToListAsync(ct);
        // A first page that is not full is the whole answer (an ID or phone search): no count needed.
        var total = page == 1 && rows.Count < pageSize ? rows.Count : await people.CountAsync(ct);
        var categories = await CategoriesOfAsync(db, rows.Select(r => r.Id).ToList(), ct);
        return new Page<PersonListItem>(rows.Select(r => ToListItem(r, categories)).ToList(), total, page, pageSize);
    }

    /// <summary>Category codes of a page of people, in one query (a joined collection makes the page query slow).</summary>
    private static async Task<ILookup<long, string>> CategoriesOfAsync(FangkongDb db, List<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return Array.Empty<(long, string)>().ToLookup(x => x.Item1, x => x.Item2);
        var links = await db.PersonCategories.AsNoTracking().Where(c => ids.Contains(c.PersonId))
            .Select(c => new { c.PersonId, c.Category!.Code }).ToListAsync(ct);
        return links.ToLookup(l => l.PersonId, l => l.Code);
    }

    /// <summary>Streams every person matching the query (for exports), in a stable order, without paging.</summary>
    public async IAsyncEnumerable<PersonListItem> StreamAsync(PersonQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        Actor.Require(Permissions.PeopleExport);
        await using var db = await factory.CreateDbContextAsync(ct);
        var people = await FilterAsync(db, query, ct);
        var categories = (await db.PersonCategories.AsNoTracking().Select(c => new { c.PersonId, c.Category!.Code }).ToListAsync(ct))
            .ToLookup(l => l.PersonId, l => l.Code);
        await foreach (var row in people.OrderBy(p => p.ScopeKey).ThenBy(p => p.Id).Select(ListProjection).AsAsyncEnumerable().WithCancellation(ct))
            yield return ToListItem(row, categories);
    }

    internal static async Task<IQueryable<Person>> FilterAsync(FangkongDb db, PersonQuery query, CancellationToken ct)
    {
        IQueryable<Person> people = db.People.AsNoTracking();
        if (query.NodeId is { } nodeId)
        {
            var node = await db.Nodes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == nodeId, ct)
                ?? throw new OutOfScopeException("node not visible");
            var lower = node.ScopeKey;
            var upper = ScopeKey.Successor(lower) ?? "~";
            people = people.Where(p => string.Compare(p.ScopeKey, lower) >= 0 && string.Compare(p.ScopeKey, upper) < 0);
        }
        if (!string.IsNullOrWhiteSpace(query.Text)) people = ApplyText(db, people, query.Text);
        if (!string.IsNullOrWhiteSpace(query.Category))
        {
            // Through the category's own index: an EXISTS per person would probe every row of the registry.
            var code = query.Category.Trim();
            var categoryId = await db.Categories.AsNoTracking().Where(c => c.Code == code).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct) ?? -1;
            people = people.Where(p => db.PersonCategories.Where(c => c.CategoryId == categoryId).Select(c => c.PersonId).Contains(p.Id));
        }
        if (query.Residence is { } residence) people = people.Where(p => p.Residence == residence);
        if (query.IdInvalid == true) people = people.Where(p => !p.IdValid);
        if (query.Vulnerable is { } flags and not VulnerableFlags.None) people = people.Where(p => (p.Vulnerable & flags) != 0);
        return people;
    }

    /// <summary>
    /// One search box, as a cadre types into it: an ID number or a mobile number is an exact blind-index look-up,
    /// four digits match the end of a phone, anything else matches the name.
    /// </summary>
    private static IQueryable<Person> ApplyText(FangkongDb db, IQueryable<Person> people, string text)
    {
        var compact = Text.Compact(text);
        var id = ResidentId.Check(compact, DateOnly.MaxValue);
        if (id.Normalized is { Length: 18 } normalized && (id.Valid || compact.Length is 15 or 18))
        {
            var hash = db.Protector.Hash(BlindIndex.DocumentPurpose(DocumentType.ResidentId), normalized);
            return people.Where(p => p.DocumentHash == hash);
        }
        var phone = PhoneNumber.Check(compact);
        if (phone.Valid && phone.IsMobile)
        {
            var hash = db.Protector.Hash(BlindIndex.Phone, phone.Normalized);
            return people.Where(p => p.PhoneHash == hash);
        }
        if (compact.Length == 4 && compact.All(char.IsAsciiDigit))
            return people.Where(p => p.PhoneTail == compact);
        var passport = compact.ToUpperInvariant();
        if (passport.Length is >= 6 and <= 20 && passport.All(char.IsAsciiLetterOrDigit) && passport.Any(char.IsAsciiLetter))
        {
            var hashes = new[] { DocumentType.Passport, DocumentType.HkMacaoPermit, DocumentType.TaiwanPermit, DocumentType.ForeignPermanentId }
                .Select(t => db.Protector.Hash(BlindIndex.DocumentPurpose(t), passport)).ToList();
            var (h0, h1, h2, h3) = (hashes[0], hashes[1], hashes[2], hashes[3]);
            return people.Where(p => p.DocumentHash == h0 || p.DocumentHash == h1 || p.DocumentHash == h2 || p.DocumentHash == h3 || p.Name.Contains(compact));
        }
        return compact.Length == 1 ? people.Where(p => p.Name.StartsWith(compact)) : people.Where(p => p.Name.Contains(compact));
    }

    public async Task<PersonDetail?> GetAsync(long id, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PeopleRead);
        await using var db = await factory.CreateDbContextAsync(ct);
        var p = await db.People.AsNoTracking()
            .Include(x => x.Categories).ThenInclude(c => c.Category)
            .FirstOrDefaultAsync(x => x.Id == id, ct);
        if (p is null) return null;
        var household = new List<PersonListItem>();
        var path = await directory.PathAsync(db, p.ScopeKey, ct);
        var householdNode = path.LastOrDefault(s => s.Level == JurisdictionLevel.Household);
        if (householdNode is not null)
        {
            var members = await db.People.AsNoTracking().Where(m => m.NodeId == householdNode.Id).OrderBy(m => m.Id).Select(ListProjection).ToListAsync(ct);
            var memberCategories = await CategoriesOfAsync(db, members.Select(m => m.Id).ToList(), ct);
            household = members.Select(m => ToListItem(m, memberCategories)).ToList();
        }
        var today = Today;
        return new PersonDetail(p.Id, p.Name, p.DocumentType, p.DocumentMasked, p.IdValid, p.IdIssue, p.Sex, p.BirthDate,
            p.BirthDate is { } b ? PersonRules.AgeOn(b, today) : null, p.PhoneMasked, p.AddressText is not null, p.NodeId, p.ScopeKey,
            path, p.Relation, p.Residence, p.AwayLocation, p.Occupation, p.Workplace, p.Vulnerable, p.Unregistered, p.Note,
            p.Categories.Select(c => c.Category!.Code).Order().ToList(), household, p.CreatedAt, p.UpdatedAt, p.Version);
    }

    /// <summary>
    /// The names of the given people the actor may read (in their jurisdiction, with the read permission), for a list
    /// that refers to people by record (the access log); the others are simply absent.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, string>> NamesAsync(IReadOnlyCollection<long> ids, CancellationToken ct = default)
    {
        if (ids.Count == 0 || !Actor.Can(Permissions.PeopleRead)) return new Dictionary<long, string>();
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.People.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.Name }).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
    }

    /// <summary>Looks a person up by an exact document number (checkpoints): a blind-index hit or nothing.</summary>
    public async Task<PersonListItem?> LookupAsync(DocumentType type, string number, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PeopleLookup);
        await using var db = await factory.CreateDbContextAsync(ct);
        var doc = PersonRules.NormalizeDocument(type, number, DateOnly.MaxValue, null);
        if (doc.Number is null) return null;
        var hash = db.Protector.Hash(BlindIndex.DocumentPurpose(doc.Type), doc.Number);
        var row = await db.People.AsNoTracking().Where(p => p.DocumentHash == hash).Select(ListProjection).FirstOrDefaultAsync(ct);
        return row is null ? null : ToListItem(row, await CategoriesOfAsync(db, [row.Id], ct));
    }

    /// <summary>Shows one identifier in full and writes who saw it, when and why to the access log.</summary>
    /// <summary>The reason a reveal must give (2–200 characters), tidied; a field error otherwise. Every reveal of one identifier uses it.</summary>
    internal static string RevealReason(string? reason)
    {
        var why = Text.Tidy(reason);
        if (why is null || why.Length < 2) throw new ValidationFailedException([new FieldError("reason", "reason.required")]);
        if (why.Length > 200) throw new ValidationFailedException([new FieldError("reason", "reason.too-long")]);
        return why;
    }

    /// <summary>A field a reveal may name (a number outside the three is refused, never read as the address).</summary>
    internal static void RequireRevealField(RevealField field)
    {
        if (!Enum.IsDefined(field)) throw new ValidationFailedException([new FieldError("field", "reveal.field-unknown")]);
    }

    public async Task<string?> RevealAsync(long id, RevealField field, string? reason, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PeopleReveal);
        RequireRevealField(field);
        var why = RevealReason(reason);
        await using var db = await factory.CreateDbContextAsync(ct);
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (person is null) return null;
        var value = field switch
        {
            RevealField.DocumentNumber => person.DocumentNumber,
            RevealField.Phone => person.Phone,
            RevealField.Address => person.AddressText,
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
        db.Audit.Record(AuditKind.Access, "person.reveal", person.CountyCode, person.ScopeKey, "Person",
            person.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new AuditChanges().Set("Field", null, field.ToString()), reason: why, rule: "reveal");
        await db.SaveChangesAsync(ct);
        return value ?? "";
    }

    public async Task<long> CreateAsync(PersonInput input, string? reason, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PeopleWrite);
        await using var db = await factory.CreateDbContextAsync(ct);
        var person = new Person { CreatedAt = DateTime.UtcNow, Version = 1 };
        await ApplyAsync(db, person, input, ct);
        db.People.Add(person);
        db.Audit.Reason = Text.Tidy(reason) ?? "registered";
        await SaveUniqueAsync(db, person, ct);
        return person.Id;
    }

    /// <summary>Updates a person; false when the person is not visible. A stale <see cref="PersonInput.Version"/> is a conflict.</summary>
    public async Task<bool> UpdateAsync(long id, PersonInput input, string? reason, CancellationToken ct = default)
    {
        Actor.Require(Permissions.PeopleWrite);
        await using var db = await factory.CreateDbContextAsync(ct);
        var person = await db.People.Include(p => p.Categories).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (person is null) return false;
        if (input.Version is { } version && version != person.Version)
            throw new ConflictException("person.version", "the person was changed by someone else; reload and edit again");
        await ApplyAsync(db, person, input, ct);
        person.Version++;
        db.Audit.Reason = Text.Tidy(reason) ?? "edited";
        await SaveUniqueAsync(db, person, ct);
        return true;
    }

    /// <summary>
    /// Saves a person; an ID number another person holds is refused (one person per ID per county). When that person
    /// is outside the actor's jurisdiction the answer says only that ("person.outside-scope", as the import's row
    /// errors do): nothing of a record the actor may not see — its name, place or id — is told.
    /// </summary>
    private static async Task SaveUniqueAsync(FangkongDb db, Person person, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("person.version", "the person was changed by someone else; reload and edit again");
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            var (hash, id) = (person.DocumentHash, person.Id);
            db.ChangeTracker.Clear();
            // The jurisdiction filter applies: a holder found here is one the actor may see anyway.
            var visible = hash is not null && await db.People.AsNoTracking().AnyAsync(p => p.DocumentHash == hash && p.Id != id, ct);
            throw new ValidationFailedException([new FieldError("documentNumber", visible ? "id.duplicate" : "person.outside-scope")]);
        }
    }

    private async Task ApplyAsync(FangkongDb db, Person person, PersonInput input, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var name = PersonRules.NormalizeName(input.Name, out var nameError);
        if (nameError is not null) errors.Add(new FieldError("name", nameError));
        var updating = person.Id != 0;
        var keepDocument = updating && input.DocumentNumber is null;
        var keepPhone = updating && input.Phone is null;
        var keepAddress = updating && input.AddressText is null;
        var doc = keepDocument ? null : PersonRules.NormalizeDocument(input.DocumentType, input.DocumentNumber, Today, NationalDivisions.Shared.IsKnownAddressCode);
        // A form refuses a wrong ID outright; only imports and pushed lists keep invalid numbers, flagged.
        if (doc is { Number: not null, Valid: false }) errors.Add(new FieldError("documentNumber", doc.Issue ?? "id.invalid"));
        string? phoneError = null;
        var phone = keepPhone ? person.Phone : PersonRules.NormalizePhone(input.Phone, out phoneError);
        if (phoneError is not null) errors.Add(new FieldError("phone", phoneError));
        JurisdictionNode? node = null;
        if (input.NodeId is { } nodeId)
        {
            node = await db.Nodes.AsNoTracking().FirstOrDefaultAsync(n => n.Id == nodeId, ct);
            if (node is null) errors.Add(new FieldError("nodeId", "node.not-found"));
            else if (node.Level < JurisdictionLevel.Village) errors.Add(new FieldError("nodeId", "node.too-high"));
        }
        else if (person.NodeId is null)
        {
            errors.Add(new FieldError("nodeId", "node.required"));
        }
        var codes = (input.Categories ?? []).Select(c => c.Trim()).Where(c => c.Length > 0).Distinct().ToList();
        var categories = codes.Count == 0 ? [] : await db.Categories.AsNoTracking().Where(c => codes.Contains(c.Code)).ToListAsync(ct);
        foreach (var missing in codes.Except(categories.Select(c => c.Code)))
            errors.Add(new FieldError("categories", "category.unknown:" + missing));
        errors.AddRange(PersonRules.CheckTextLengths(input.Relation, input.AwayLocation, input.Occupation, input.Workplace, input.Note));
        if (!FlagSet.IsDefined(input.Vulnerable)) errors.Add(new FieldError("vulnerable", "vulnerable.invalid"));
        if (!Enum.IsDefined(input.Residence)) errors.Add(new FieldError("residence", "residence.unknown"));
        if (!Enum.IsDefined(input.DocumentType)) errors.Add(new FieldError("documentType", "document-type.unknown"));
        ValidationFailedException.ThrowIfAny(errors);

        person.Name = name!;
        if (doc is not null)
        {
            person.DocumentType = doc.Type;
            person.DocumentNumber = doc.Number;
            person.DocumentHash = doc.Number is null ? null : db.Protector.Hash(BlindIndex.DocumentPurpose(doc.Type), doc.Number);
            person.DocumentMasked = doc.Masked;
            person.IdValid = doc.Valid;
            person.IdIssue = doc.Issue;
            person.BirthDate = doc.BirthDate ?? (doc.Type == DocumentType.ResidentId ? null : person.BirthDate);
            person.Sex = doc.Sex ?? (doc.Type == DocumentType.ResidentId ? null : person.Sex);
        }
        if (!keepPhone) person.SetPhone(phone, db.Protector.Hash(BlindIndex.Phone, phone));
        if (!keepAddress) person.AddressText = Text.Tidy(input.AddressText);
        if (node is not null)
        {
            person.NodeId = node.Id;
            person.ScopeKey = node.ScopeKey;
            person.CountyCode = node.CountyCode;
        }
        person.Relation = Text.Tidy(input.Relation);
        person.Residence = input.Residence;
        person.AwayLocation = Text.Tidy(input.AwayLocation);
        person.Occupation = Text.Tidy(input.Occupation);
        person.Workplace = Text.Tidy(input.Workplace);
        person.Vulnerable = input.Vulnerable | PersonRules.AgeFlags(person.BirthDate, Today);
        person.Note = Text.Tidy(input.Note);
        person.UpdatedAt = DateTime.UtcNow;

        person.Categories.RemoveAll(c => !categories.Any(k => k.Id == c.CategoryId));
        foreach (var category in categories.Where(k => person.Categories.All(c => c.CategoryId != k.Id)))
            person.Categories.Add(new PersonCategory { CategoryId = category.Id, CountyCode = person.CountyCode });
    }

    private sealed record ListRow(long Id, string Name, string? DocumentMasked, bool IdValid, string? Sex, DateOnly? BirthDate,
        string? PhoneMasked, long? NodeId, string? NodeName, string ScopeKey, string? Relation, ResidenceStatus Residence,
        VulnerableFlags Vulnerable);

    private static readonly System.Linq.Expressions.Expression<Func<Person, ListRow>> ListProjection = p => new ListRow(
        p.Id, p.Name, p.DocumentMasked, p.IdValid, p.Sex, p.BirthDate, p.PhoneMasked, p.NodeId,
        p.Node != null ? p.Node.Name : null, p.ScopeKey, p.Relation, p.Residence, p.Vulnerable);

    private PersonListItem ToListItem(ListRow r, ILookup<long, string> categories)
    {
        var today = Today;
        return new PersonListItem(r.Id, r.Name, r.DocumentMasked, r.IdValid, r.Sex, r.BirthDate,
            r.BirthDate is { } b ? PersonRules.AgeOn(b, today) : null, r.PhoneMasked, r.NodeId, r.NodeName, r.ScopeKey,
            directory.PlaceLabel(r.ScopeKey), r.Relation, r.Residence, r.Vulnerable, categories[r.Id].ToList());
    }
}
