using Fangkong.Core.Identifiers;
using Fangkong.Data.Arrivals;

namespace Fangkong.Web.ClosedLoop;

/// <summary>The arrival form as posted by the public page and the staff registration page.</summary>
public sealed class ArrivalForm
{
    public string? Name { get; set; }
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

    /// <summary>Three stop rows are always shown; a posted form keeps what was typed.</summary>
    public void Pad()
    {
        while (Stops.Count < 3) Stops.Add(new StopForm());
    }

    public ArrivalInput ToInput(DateTime? landingTestAt = null) => new(Name, DocumentType.ResidentId, IdNumber, Phone, Origin, Inbound,
        Stops.Select(s => new StopInput(s.Place, s.From, s.To)).ToList(), ArrivalDate, DestinationNodeId, DestinationText, Vehicle, HealthCode, TravelCardStar,
        LandingTest ? landingTestAt : null);
}

public sealed class StopForm
{
    public string? Place { get; set; }
    public DateOnly? From { get; set; }
    public DateOnly? To { get; set; }
}
