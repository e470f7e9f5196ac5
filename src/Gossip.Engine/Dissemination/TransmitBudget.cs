namespace Gossip.Engine.Dissemination;

/// <summary>A queued item with a number of transmissions left (a rumor, a membership event).</summary>
internal interface IBudgetedSlot
{
    int TransmitsLeft { get; set; }
}

/// <summary>The bookkeeping that rumors and events share: spend a transmit per item written, retire the spent ones.</summary>
internal static class TransmitBudget
{
    /// <summary>
    /// Spends one transmit from each of the <paramref name="written"/> slots from <paramref name="start"/> on (wrapping),
    /// then moves the slots with budget left to the front, in order, so <paramref name="cursor"/> keeps pointing at the
    /// same item. Returns how many are kept; the retired ones end up in [kept, count) for the caller to release.
    /// </summary>
    public static int Spend<TSlot>(TSlot[] slots, int count, int start, int written, ref int cursor)
        where TSlot : struct, IBudgetedSlot
    {
        for (int k = 0; k < written; k++)
        {
            slots[(start + k) % count].TransmitsLeft--;
        }

        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            if (slots[i].TransmitsLeft > 0)
            {
                (slots[kept], slots[i]) = (slots[i], slots[kept]);
                kept++;
            }
            else if (i < cursor)
            {
                cursor--;
            }
        }

        return kept;
    }
}
