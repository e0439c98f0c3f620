// Trains the seed notebook's 10-32x6-2 sigmoid network on one sample for 200 epochs,
// using only the library's public API: training is a fold of Training.Epoch over epochs.
open Backprop.Functional

let seed = 0UL

// x ~ N(0,1)^10 and y ~ N(0,1)^2 first, then the weights ~ N(0, 0.01²): the notebook's order.
let struct (data, afterData) = SeedDemo.Sample(Rng.FromSeed seed, 10, 2)

let struct (network, afterInit) =
    NetworkFactory
        .Create(NetworkFactory.SeedWidths, Sigmoid.Instance, Sigmoid.Instance, NormalInitializer 0.01, afterData)
        .ThrowIfFail()

// The notebook's alpha 0.01 on the gradient of 0.5·sum is lr 0.02 on the true gradient of 0.5·mean.
let optimizer = Sgd(ConstantSchedule SeedDemo.LearningRate)
let config = TrainConfig(MeanSquaredError.Instance, optimizer)
let initial = TrainState.Initial(network, optimizer, afterInit)

let final =
    [ 1 .. SeedDemo.Epochs ]
    |> List.fold
        (fun (state: TrainState) _ ->
            let result = Training.Epoch(config, state, data)
            printfn "Epoch %d: loss %.17g" result.State.Epoch result.Loss
            result.State)
        initial

printfn "prediction after %d epochs: %A" final.Epoch (Forward.Predict(final.Network, data.Inputs).Row(0).ToArray())

// The same run as a run directory, through the library's run protocol (no command line): the
// plan resolves a specification (here the seed demo's, 20 epochs, every 5th state kept), the
// session writes each epoch's sealed state, then one epoch range is replayed and the whole run
// verified (state 0 rebuilt from run.json, the hash chain, every epoch replayed to the bit).
// Training, replay and verify run in one compute context: the threads the math may use and the
// scratch arrays reused from epoch to epoch (the fold above made its own each epoch). Any thread
// count gives the same bits.
open Backprop.Functional.Runs

let compute = new ComputeContext(System.Environment.ProcessorCount)

let directory =
    System.IO.Path.Combine(System.IO.Path.GetTempPath(), "backprop-fsharp-example-" + string (System.Guid.NewGuid()))

let run = RunPlan.Prepare(RunSpec(Epochs = 20, KeepEvery = 5), savesStates = true).ThrowIfFail()

let written =
    use session = RunSession.Create(directory, run, Provenance.Of(run, System.DateTime.UtcNow, compute.Threads)).ThrowIfFail()

    let last =
        [ 1 .. run.Epochs ]
        |> List.fold
            (fun (state: TrainState) _ ->
                let result = Training.Epoch(run.Config, state, run.Data.Train, compute)
                session.Record(state, result, compute) |> ignore
                result.State)
            run.Initial

    session.Complete(last).ThrowIfFail() |> ignore
    last.Epoch

printfn "wrote %d epochs to %s" written directory

let opened = OpenedRun.Open(directory, RunSources.AsRecorded).ThrowIfFail()

let replayed =
    Replay.Run(opened, 12, System.Nullable 15, (fun line -> printfn "  %s" line.Text), compute).ThrowIfFail()

printfn "replay 12..15: %s" (if replayed.ForAll(fun line -> line.Identical) then "all identical" else "DIFFERS")

let report =
    Verification.Run(directory, RunSources.AsRecorded, (fun breaks -> for problem in breaks do printfn "  chain: %O" problem), ignore, compute).ThrowIfFail()

printfn "verify: %s (%d epochs replayed from state 0)" (if report.Proven then "proven" else "NOT proven") report.Epochs.Count
compute.Dispose()
System.IO.Directory.Delete(directory, true)
if not report.Proven then exit 3
