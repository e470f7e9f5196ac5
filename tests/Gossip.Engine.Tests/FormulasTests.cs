namespace Gossip.Engine.Tests;

public sealed class FormulasTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(9, 1)]
    [InlineData(10, 2)]
    [InlineData(128, 3)]
    [InlineData(26_000, 5)]
    [InlineData(100_000, 6)]
    public void Log10Ceiling_CountsDigitsOfN(int n, int expected) => Assert.Equal(expected, Formulas.Log10Ceiling(n));

    [Theory]
    [InlineData(4, 128, 12)]
    [InlineData(4, 10_000, 20)]
    [InlineData(1, 5, 1)]
    public void RetransmitLimit_IsLambdaTimesLogN(int lambda, int n, int expected) => Assert.Equal(expected, Formulas.RetransmitLimit(lambda, n));

    [Theory]
    [InlineData(1, 15)] // unconfirmed: 1 * 3 * 5 = 15 rounds at n = 128
    [InlineData(2, 8)]
    [InlineData(3, 5)] // fully confirmed: the minimum, one probe interval (a shorter pause always ends before the verdict)
    [InlineData(9, 5)]
    public void SuspicionTimeout_ShrinksWithConfirmations(int confirmations, int expected) =>
        Assert.Equal(expected, Formulas.SuspicionTimeoutRounds(multiplier: 1, n: 128, probeRounds: 5, probeTimeoutRounds: 2, confirmations, wantedConfirmations: 3));

    [Theory]
    [InlineData(128, 12, 11)]
    [InlineData(10_000, 60, 167)]
    [InlineData(5, 60, 1)]
    public void SweepExchanges_IsCeilOfNOverEntries(int n, int perDigest, int expected) => Assert.Equal(expected, Formulas.SweepExchanges(n, perDigest));

    [Theory]
    [InlineData(3, 128, 12.0 / 128)]
    [InlineData(3, 4, 1.0)]
    public void ConfirmationProbeProbability_TargetsAboutFourTimesTheWantedConfirmations(int k, int n, double expected) =>
        Assert.Equal(expected, Formulas.ConfirmationProbeProbability(k, n), 9);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 4)]
    [InlineData(10, 8)]
    public void NackDelayRounds_IsFourFifthsOfTheProbeTimeout_AtLeastOneRound(int probeTimeoutRounds, int expected) =>
        Assert.Equal(expected, Formulas.NackDelayRounds(probeTimeoutRounds));
}
