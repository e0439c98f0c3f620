using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Backprop.Functional.Numerics;

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

    /// <summary>u′ for one vector of elements, reading and writing its slots <paramref name="slot"/>, <paramref name="slot"/> + 1, … of <paramref name="slots"/>.</summary>
    TLanes Update<TLanes>(TLanes u, TLanes theta, ref SlotCursor<TLanes> slots, int slot)
        where TLanes : struct, ILanes<TLanes>;
}

/// <summary>One slot's tensor before the step and the array its next value goes to.</summary>
internal readonly record struct SlotTensor(double[] Current, double[] Next);

/// <summary>
/// Every slot of one vector of elements (at <see cref="Index"/>). The data of the first four slots
/// are held as references, found once per tensor, and their next values are kept until
/// <see cref="Flush"/> writes them after θ′ (the order of stores of the rules written out by hand,
/// measurably faster than writing each slot as soon as it is known); any further slots are found
/// through <see cref="TensorUpdate.Slots"/> and written at once. Which applies is decided by the
/// JIT: every slot number is a constant once the rules are inlined, so the cursor lives in registers.
/// </summary>
internal ref struct SlotCursor<TLanes>
    where TLanes : struct, ILanes<TLanes>
{
    private readonly ref double current0, current1, current2, current3;
    private readonly ref double next0, next1, next2, next3;
    private readonly ReadOnlySpan<SlotTensor> slots;

    private TLanes pending0, pending1, pending2, pending3;

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
    public nint Index { readonly get; set; }

    /// <summary>Slot <paramref name="k"/>'s current values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TLanes Load(int k) => TLanes.Load(ref Current(k), Index);

    /// <summary>Slot <paramref name="k"/>'s next values (for the first four slots written to memory by <see cref="Flush"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(int k, TLanes value)
    {
        switch (k)
        {
            case 0: pending0 = value; break;
            case 1: pending1 = value; break;
            case 2: pending2 = value; break;
            case 3: pending3 = value; break;
            default: TLanes.Store(value, ref Data(slots[k].Next), Index); break;
        }
    }

    /// <summary>Writes the next values of the first four of <paramref name="count"/> slots.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Flush(int count)
    {
        if (count > 0) TLanes.Store(pending0, ref next0, Index);
        if (count > 1) TLanes.Store(pending1, ref next1, Index);
        if (count > 2) TLanes.Store(pending2, ref next2, Index);
        if (count > 3) TLanes.Store(pending3, ref next3, Index);
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
    public TLanes Update<TLanes>(TLanes u, TLanes theta, ref SlotCursor<TLanes> slots, int slot)
        where TLanes : struct, ILanes<TLanes> =>
        second.Update(first.Update(u, theta, ref slots, slot), theta, ref slots, slot + TFirst.Slots);
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
    public TLanes Update<TLanes>(TLanes u, TLanes theta, ref SlotCursor<TLanes> slots, int slot)
        where TLanes : struct, ILanes<TLanes> => u;
}
