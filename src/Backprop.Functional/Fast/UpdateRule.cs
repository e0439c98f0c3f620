using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Functional.Fast;

/// <summary>What an update rule may depend on besides its hyperparameters: the step, and the gradients' global norm.</summary>
/// <param name="Count">How many updates came before this one (<see cref="OptimizerState.Count"/>).</param>
/// <param name="GlobalNorm">The global norm of the step's gradients (<see cref="Gradients.GlobalNorm"/>), when a rule reads it.</param>
internal readonly record struct UpdateContext(long Count, double GlobalNorm);

/// <summary>
/// A gradient transformation's element rule, written once for every lane width: u′ from u and θ,
/// reading and replacing the transformation's slots. Every operation is the IEEE operation its
/// transformation's <see cref="GradientTransformation.Update"/> performs on each element, in the
/// same order, so the fused step and the reference get the same bits.
/// </summary>
internal interface IUpdateRule<TSelf> where TSelf : struct, IUpdateRule<TSelf>
{
    /// <summary>How many slots it reads and replaces (its transformation's <see cref="GradientTransformation.SlotNames"/>).</summary>
    static abstract int Slots { get; }

    /// <summary>Whether <see cref="At"/> reads <see cref="UpdateContext.GlobalNorm"/> (the norm of the incoming gradients).</summary>
    static abstract bool ReadsGlobalNorm { get; }

    /// <summary>The rule with one step's constants (learning rate, bias corrections, clipping factor) worked out.</summary>
    TSelf At(in UpdateContext context);

    /// <summary>u′ for one vector of elements; <paramref name="slots"/> holds this rule's slots first.</summary>
    Lanes<TVector, TOps> Update<TVector, TOps>(Lanes<TVector, TOps> u, Lanes<TVector, TOps> theta, SlotCursor<TVector, TOps> slots)
        where TVector : struct
        where TOps : struct, ILaneOps<TVector>;
}

/// <summary>One slot's tensor before the step and the array its next value goes to.</summary>
internal readonly record struct SlotTensor(double[] Current, double[] Next);

/// <summary>
/// The slots of one vector of elements (at <see cref="Index"/>), from a rule's first slot on. The
/// data of the first four slots of the update are held as references, found once per tensor, so
/// that the loop reads and writes them directly; any further slots are found through
/// <see cref="TensorUpdate.Slots"/> at each access. Which applies is decided by the JIT: every
/// slot number a rule uses is a constant once the rules are inlined.
/// </summary>
internal ref struct SlotCursor<TVector, TOps>
    where TVector : struct
    where TOps : struct, ILaneOps<TVector>
{
    private readonly ref double current0, current1, current2, current3;
    private readonly ref double next0, next1, next2, next3;
    private readonly ReadOnlySpan<SlotTensor> slots;
    private int skipped;

    /// <summary>The cursor over every slot of a tensor update, at element 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SlotCursor(ReadOnlySpan<SlotTensor> slots)
    {
        this.slots = slots;
        if (slots.Length > 0)
        {
            current0 = ref Data(slots[0].Current);
            next0 = ref Data(slots[0].Next);
        }
        if (slots.Length > 1)
        {
            current1 = ref Data(slots[1].Current);
            next1 = ref Data(slots[1].Next);
        }
        if (slots.Length > 2)
        {
            current2 = ref Data(slots[2].Current);
            next2 = ref Data(slots[2].Next);
        }
        if (slots.Length > 3)
        {
            current3 = ref Data(slots[3].Current);
            next3 = ref Data(slots[3].Next);
        }
    }

    /// <summary>The element index of the vector.</summary>
    public nint Index { readonly get; private set; }

    /// <summary>The same slots at element <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly SlotCursor<TVector, TOps> At(nint index)
    {
        var at = this;
        at.Index = index;
        return at;
    }

    /// <summary>Slot <paramref name="k"/>'s current values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Lanes<TVector, TOps> Load(int k) => new(TOps.Load(ref Current(skipped + k), Index));

    /// <summary>Writes slot <paramref name="k"/>'s next values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store(int k, Lanes<TVector, TOps> value) => TOps.Store(value.Value, ref Next(skipped + k), Index);

    /// <summary>The slots after the first <paramref name="count"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly SlotCursor<TVector, TOps> Skip(int count)
    {
        var rest = this;
        rest.skipped += count;
        return rest;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly ref double Current(int slot)
    {
        switch (slot)
        {
            case 0: return ref current0;
            case 1: return ref current1;
            case 2: return ref current2;
            case 3: return ref current3;
            default: return ref Data(slots[slot].Current);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly ref double Next(int slot)
    {
        switch (slot)
        {
            case 0: return ref next0;
            case 1: return ref next1;
            case 2: return ref next2;
            case 3: return ref next3;
            default: return ref Data(slots[slot].Next);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref double Data(double[] array) => ref MemoryMarshal.GetArrayDataReference(array);
}

/// <summary>Two rules one after the other (a <see cref="Chain"/>'s composition): the second gets the first's u′, and the slots after the first's.</summary>
internal readonly struct Then<TFirst, TSecond>(TFirst first, TSecond second) : IUpdateRule<Then<TFirst, TSecond>>
    where TFirst : struct, IUpdateRule<TFirst>
    where TSecond : struct, IUpdateRule<TSecond>
{
    private readonly TFirst first = first;
    private readonly TSecond second = second;

    public static int Slots
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TFirst.Slots + TSecond.Slots;
    }

    public static bool ReadsGlobalNorm => TFirst.ReadsGlobalNorm || TSecond.ReadsGlobalNorm;

    public Then<TFirst, TSecond> At(in UpdateContext context) => new(first.At(context), second.At(context));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes<TVector, TOps> Update<TVector, TOps>(Lanes<TVector, TOps> u, Lanes<TVector, TOps> theta, SlotCursor<TVector, TOps> slots)
        where TVector : struct
        where TOps : struct, ILaneOps<TVector> =>
        second.Update(first.Update(u, theta, slots), theta, slots.Skip(TFirst.Slots));
}

/// <summary>The rule that passes the updates unchanged (e.g. weight decay with λ = 0, or an empty chain).</summary>
internal readonly struct Unchanged : IUpdateRule<Unchanged>
{
    public static int Slots
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 0;
    }

    public static bool ReadsGlobalNorm => false;

    public Unchanged At(in UpdateContext context) => this;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Lanes<TVector, TOps> Update<TVector, TOps>(Lanes<TVector, TOps> u, Lanes<TVector, TOps> theta, SlotCursor<TVector, TOps> slots)
        where TVector : struct
        where TOps : struct, ILaneOps<TVector> => u;
}
