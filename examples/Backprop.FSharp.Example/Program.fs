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
