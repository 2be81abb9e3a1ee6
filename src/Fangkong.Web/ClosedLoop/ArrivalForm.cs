using Fangkong.Core.Identifiers;
using Fangkong.Data.Arrivals;

namespace Fangkong.Web.ClosedLoop;

/// <summary>The arrival form as posted by the public page and the staff registration page.</summary>
public sealed class ArrivalForm
{
    public string? Name { get; set; }
    /// <summary>Resident ID by default; a passport or a permit for those who have no mainland ID.</summary>
    public DocumentType DocumentType { get; set; } = DocumentType.ResidentId;
    public string? IdNumber { get; set; }
    public string? Phone { get; set; }
    public string? Origin { get; set; }
    public bool Inbound { get; set; }
    private List<StopForm> _stops = [];
    /// <summary>Never null: form binding leaves it null when no stop row was posted.</summary>
    public List<StopForm> Stops { get => _stops; set => _stops = value ?? []; }
    public DateOnly? ArrivalDate { get; set; }
    public long? DestinationNodeId { get; set; }
    public string? DestinationText { get; set; }
    public string? Vehicle { get; set; }
    public string? HealthCode { get; set; }
    public bool TravelCardStar { get; set; }
    public bool LandingTest { get; set; }
    public string? Token { get; set; }
    public string? Answer { get; set; }

    public static ArrivalForm New(DateOnly today)
    {
        var form = new ArrivalForm { ArrivalDate = today };
        form.Pad();
        return form;
    }

    /// <summary>Stop rows shown at once; more wait folded under them, up to <see cref="MaxStopRows"/>.</summary>
    public const int ShownStops = 3, MaxStopRows = 8;

    /// <summary>The documents a traveller may register with (nothing shown yet is for staff, not a self-registration).</summary>
    public static readonly DocumentType[] Documents =
        [DocumentType.ResidentId, DocumentType.Passport, DocumentType.HkMacaoPermit, DocumentType.TaiwanPermit, DocumentType.ForeignPermanentId, DocumentType.Other];

    /// <summary>Every stop row is rendered (the extra ones folded); a posted form keeps what was typed.</summary>
    public void Pad()
    {
        while (Stops.Count < MaxStopRows) Stops.Add(new StopForm());
    }

    public ArrivalInput ToInput(DateTime? landingTestAt = null) => new(Name, Documents.Contains(DocumentType) ? DocumentType : DocumentType.ResidentId, IdNumber, Phone, Origin, Inbound,
        Stops.Select(s => new StopInput(s.Place, s.From, s.To)).ToList(), ArrivalDate, DestinationNodeId, DestinationText, Vehicle, HealthCode, TravelCardStar,
        LandingTest ? landingTestAt : null);
}

public sealed class StopForm
{
    public string? Place { get; set; }
    public DateOnly? From { get; set; }
    public DateOnly? To { get; set; }
    public bool IsEmpty => string.IsNullOrWhiteSpace(Place) && From is null && To is null;
}
